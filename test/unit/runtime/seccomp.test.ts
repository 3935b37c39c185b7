// The default seccomp filter's rules (engine/runtime/executor/seccomp.ts), --security-opt parsing
// --privileged's capability set and the cache of compiled filters. What containers may do under it is proven against dockerd in
// test/integration/runtime/seccomp.test.ts.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES, resolveCapabilities } from '../../../engine/runtime/executor/capabilities';
import * as path from 'node:path';
import { defaultSeccomp } from '../../../engine/runtime/executor/seccomp';
import { SECCOMP_BPF_ANNOTATION, SeccompFilterCache } from '../../../engine/runtime/executor/seccompCache';
import { securityOptions } from '../../../engine/runtime/containers/processConfig';
import { removeDir, tempDir } from '../../harness/services';

const denied = (caps: string[]) => new Set(defaultSeccomp(caps).syscalls.filter((r) => !r.args).flatMap((r) => r.names));
const cloneRules = (caps: string[]) => defaultSeccomp(caps).syscalls.filter((r) => r.names.includes('clone'));

describe('default seccomp filter', () => {
  it('refuses namespaces, keyrings, bpf and the like to a container with Docker\'s default capabilities', () => {
    const d = denied(DEFAULT_CAPABILITIES);
    for (const name of ['unshare', 'setns', 'keyctl', 'add_key', 'bpf', 'perf_event_open', 'userfaultfd', 'init_module', 'kexec_load', 'mount', 'process_vm_readv']) assert.ok(d.has(name), name);
    // ptrace is allowed (Docker's profile allows it on kernels ≥ 4.8); ordinary calls are not listed
    for (const name of ['ptrace', 'read', 'clone', 'execve', 'chroot']) assert.ok(!d.has(name), name);
    const profile = defaultSeccomp(DEFAULT_CAPABILITIES);
    assert.equal(profile.defaultAction, 'SCMP_ACT_ALLOW');
    assert.ok(profile.syscalls.every((r) => r.action === 'SCMP_ACT_ERRNO'));
  });

  it('refuses clone with any namespace flag and answers clone3 with ENOSYS, unless CAP_SYS_ADMIN', () => {
    const rules = cloneRules(DEFAULT_CAPABILITIES);
    assert.equal(rules.length, 7);
    for (const r of rules) {
      const [a] = r.args!;
      assert.equal(a.index, 0);
      assert.equal(a.op, 'SCMP_CMP_MASKED_EQ');
      assert.equal(a.value, a.valueTwo);
    }
    assert.equal(rules.reduce((m, r) => m | r.args![0].value, 0), 0x7e020000); // NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET
    const clone3 = defaultSeccomp(DEFAULT_CAPABILITIES).syscalls.find((r) => r.names.includes('clone3'))!;
    assert.equal(clone3.errnoRet, 38);
    const admin = [...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'];
    assert.equal(cloneRules(admin).length, 0);
    assert.ok(!denied(admin).has('unshare') && !denied(admin).has('mount') && !denied(admin).has('clone3'));
    assert.ok(denied(admin).has('keyctl'), 'keyrings stay refused whatever the capabilities');
  });

  it('lets each capability through what Docker\'s profile lets it through', () => {
    for (const [cap, call] of [['CAP_BPF', 'bpf'], ['CAP_PERFMON', 'perf_event_open'], ['CAP_SYS_TIME', 'settimeofday'], ['CAP_SYS_MODULE', 'init_module'], ['CAP_SYS_PTRACE', 'process_vm_readv'], ['CAP_SYS_BOOT', 'reboot']]) {
      assert.ok(denied(DEFAULT_CAPABILITIES).has(call), call);
      assert.ok(!denied([...DEFAULT_CAPABILITIES, cap]).has(call), `${cap} allows ${call}`);
    }
  });
});

describe('--security-opt and --privileged', () => {
  it('parses seccomp=unconfined, no-new-privileges, apparmor/label; refuses custom profiles and unknown options', () => {
    assert.deepEqual(securityOptions({}), { seccomp: 'default', noNewPrivileges: false });
    assert.deepEqual(securityOptions({ Privileged: true }), { seccomp: 'unconfined', noNewPrivileges: false });
    assert.deepEqual(securityOptions({ SecurityOpt: ['seccomp=unconfined', 'no-new-privileges'] }), { seccomp: 'unconfined', noNewPrivileges: true });
    assert.deepEqual(securityOptions({ SecurityOpt: ['seccomp:unconfined', 'no-new-privileges=false', 'apparmor=unconfined', 'label=disable'] }), { seccomp: 'unconfined', noNewPrivileges: false });
    assert.throws(() => securityOptions({ SecurityOpt: ['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}'] }), /custom seccomp profiles are not supported/);
    assert.throws(() => securityOptions({ SecurityOpt: ['foo=bar'] }), /invalid --security-opt: "foo=bar"/);
  });

  it('gives --privileged every capability of the daemon\'s own bounding set, and only those', () => {
    const bounding = BigInt(`0x${/^CapBnd:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))![1]}`);
    const expected = ALL_CAPABILITIES.filter((_, i) => (bounding >> BigInt(i)) & 1n);
    assert.deepEqual(resolveCapabilities(['ALL']), expected);
    assert.deepEqual(resolveCapabilities(['ALL'], ['CAP_CHOWN']), expected.filter((c) => c !== 'CAP_CHOWN'));
  });
});

describe('compiled seccomp filters (seccompCache.ts)', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir('seccomp-cache'); });
  afterEach(() => removeDir(dir));
  const settle = () => new Promise((r) => setTimeout(r, 300));

  it('learns the filter crun left in a container\'s state and hands it to the next container with the same rules only', async () => {
    const cache = new SeccompFilterCache(dir);
    const rules = defaultSeccomp(DEFAULT_CAPABILITIES);
    assert.equal(cache.annotationsFor(rules), undefined);
    fs.mkdirSync(path.join(dir, 'c1'));
    const bpf = Buffer.alloc(8 * 12, 7);
    fs.writeFileSync(path.join(dir, 'c1', 'seccomp.bpf'), bpf);
    cache.learn('c1', rules);
    await settle();
    assert.deepEqual(cache.annotationsFor(rules), { [SECCOMP_BPF_ANNOTATION]: bpf.toString('base64') });
    assert.equal(cache.annotationsFor(defaultSeccomp([...DEFAULT_CAPABILITIES, 'CAP_SYS_ADMIN'])), undefined, 'other rules, other filter');
  });

  it('keeps nothing that is not a whole BPF program, nor a link', async () => {
    const cache = new SeccompFilterCache(dir);
    const rules = defaultSeccomp(DEFAULT_CAPABILITIES);
    fs.mkdirSync(path.join(dir, 'odd'));
    fs.writeFileSync(path.join(dir, 'odd', 'seccomp.bpf'), Buffer.alloc(13));
    cache.learn('odd', rules);
    fs.mkdirSync(path.join(dir, 'link'));
    fs.writeFileSync(path.join(dir, 'target'), Buffer.alloc(16));
    fs.symlinkSync(path.join(dir, 'target'), path.join(dir, 'link', 'seccomp.bpf'));
    await settle();
    cache.learn('link', rules);
    await settle();
    assert.equal(cache.annotationsFor(rules), undefined);
  });
});
