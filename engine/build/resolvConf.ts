// The /etc/resolv.conf of a RUN step, like BuildKit writes it (executor/oci/resolvconf.go): the
// host's, or systemd-resolved's upstream file when the host's points at its 127.0.0.53 stub.
// In the step's own network (slirp4netns, `private`) loopback nameservers lead nowhere — the
// namespace's 127.0.0.1 is its own and the host's is unreachable by design — and it has no IPv6,
// so those lines go; when no nameserver is left the step gets slirp4netns' forwarder 10.0.2.3,
// which asks the host's resolvers (what rootlesskit's resolv.conf says). With the host's network
// the host's file works as it is; with none, nothing is reachable anyway.
import * as fs from 'node:fs';
import { SLIRP_DNS } from '../runtime/executor/network';

const SYSTEMD_RESOLV = '/run/systemd/resolve/resolv.conf';

function isLoopback(addr: string): boolean {
  return /^127\./.test(addr) || addr === '::1' || /^0*:(0*:)*0*1$/.test(addr) || /^::ffff:127\./i.test(addr);
}

/** The step's resolv.conf from the host's text (and systemd-resolved's upstream file, when there is one). */
export function stepResolvConf(network: 'private' | 'none' | 'host', hostText: string, systemdText?: string): string {
  const base = /^\s*nameserver\s+127\./m.test(hostText) && systemdText ? systemdText : hostText;
  if (network !== 'private') return base;
  const lines = base.split('\n').filter((l) => {
    const m = /^\s*nameserver\s+(\S+)/.exec(l);
    return !m || (!isLoopback(m[1]) && !m[1].includes(':'));
  });
  if (!lines.some((l) => /^\s*nameserver\s/.test(l))) {
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    lines.push(`nameserver ${SLIRP_DNS}`, '');
  }
  return lines.join('\n');
}

/** stepResolvConf with the host's files. */
export async function hostStepResolvConf(network: 'private' | 'none' | 'host'): Promise<string> {
  const host = await fs.promises.readFile('/etc/resolv.conf', 'utf8').catch(() => '');
  const systemd = /nameserver\s+127\./.test(host) ? await fs.promises.readFile(SYSTEMD_RESOLV, 'utf8').catch(() => undefined) : undefined;
  return stepResolvConf(network, host, systemd);
}
