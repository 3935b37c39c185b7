// The default seccomp filter and --security-opt, next to dockerd (Debian's docker.io, same docker
// CLI, same busybox image): what a container may do with the default filter, with
// seccomp=unconfined, with CAP_SYS_ADMIN, --privileged and no-new-privileges, in run and in exec.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TestDockerd } from '../../harness/dockerd';
import type { TestEngine } from '../../harness/engine';
import { startSideBySide, type SideBySide } from '../../harness/sideBySide';
import { removeDir, tempDir } from '../../harness/services';

/** Prints the seccomp mode, no_new_privs and whether a new user namespace (which needs no capability) can be made. */
const PROBE = [
  'grep -E "^(Seccomp|NoNewPrivs):" /proc/self/status',
  'if unshare -U true 2>/dev/null; then echo userns=allowed; else echo userns=refused; fi',
].join('; ');

describe('seccomp and --security-opt next to dockerd (root)', function () {
  this.timeout(180000);
  let both: SideBySide;
  let engine: TestEngine;
  let dockerd: TestDockerd;
  let image: string;

  before(async function () {
    if (process.getuid?.() !== 0) this.skip();
    both = await startSideBySide();
    ({ engine, dockerd, image } = both);
  });
  after(() => both?.stop());

  async function observe(d: TestEngine | TestDockerd): Promise<Record<string, string>> {
    const run = async (...opts: string[]) => (await d.docker(['run', '--rm', '--network', 'none', ...opts, image, 'sh', '-c', PROBE])).stdout.replace(/\t/g, ' ').trim();
    await d.docker(['run', '-d', '--name', 'seccomp-exec', '--network', 'none', image, 'sleep', '300']);
    const exec = (await d.docker(['exec', 'seccomp-exec', 'sh', '-c', PROBE])).stdout.replace(/\t/g, ' ').trim();
    await d.docker(['rm', '-f', 'seccomp-exec']);
    return {
      default: await run(),
      unconfined: await run('--security-opt', 'seccomp=unconfined'),
      sysAdmin: await run('--cap-add', 'SYS_ADMIN'),
      noNewPrivileges: await run('--security-opt', 'no-new-privileges'),
      exec,
    };
  }

  it('allows and refuses what dockerd does', async () => {
    const ours = await observe(engine);
    const theirs = await observe(dockerd);
    assert.deepEqual(ours, theirs);
    // --privileged: no filter. Only ours: dockerd 20.10 asks runc for every capability it knows,
    // and fails here, where the sandbox's bounding set lacks CAP_SYS_RESOURCE ("unable to apply caps")
    const privileged = (await engine.docker(['run', '--rm', '--network', 'none', '--privileged', image, 'sh', '-c', PROBE])).stdout.replace(/\t/g, ' ').trim();
    // and what that is: filtered by default (no new user namespace without CAP_SYS_ADMIN), in exec too
    assert.equal(ours.default, 'NoNewPrivs: 0\nSeccomp: 2\nuserns=refused');
    assert.equal(ours.exec, 'NoNewPrivs: 0\nSeccomp: 2\nuserns=refused');
    assert.equal(ours.unconfined, 'NoNewPrivs: 0\nSeccomp: 0\nuserns=allowed');
    assert.equal(privileged, 'NoNewPrivs: 0\nSeccomp: 0\nuserns=allowed');
    assert.equal(ours.sysAdmin, 'NoNewPrivs: 0\nSeccomp: 2\nuserns=allowed');
    assert.equal(ours.noNewPrivileges, 'NoNewPrivs: 1\nSeccomp: 2\nuserns=refused');
  });

  it('starts later containers with the filter crun compiled for an earlier one (run.oci.seccomp_bpf_data), which filters the same', async function () {
    if (!/crun/.test((await engine.docker(['info', '--format', '{{.DefaultRuntime}}'])).stdout)) this.skip(); // the cache is crun's
    for (const name of ['seccomp-first', 'seccomp-cached']) {
      await engine.docker(['run', '-d', '--name', name, '--network', 'none', image, 'sleep', '300']);
      await new Promise((r) => setTimeout(r, 300)); // the filter is read from the first container's state
    }
    try {
      const id = (await engine.docker(['inspect', '-f', '{{.Id}}', 'seccomp-cached'])).stdout.trim();
      const config = JSON.parse(fs.readFileSync(path.join(engine.dataRoot, 'containers', id, 'bundle', 'config.json'), 'utf8'));
      const bpf = Buffer.from(config.annotations['run.oci.seccomp_bpf_data'], 'base64');
      assert.ok(bpf.length > 0 && bpf.length % 8 === 0, `a BPF program, ${bpf.length} bytes`);
      assert.equal((await engine.docker(['exec', 'seccomp-cached', 'sh', '-c', PROBE])).stdout.replace(/\t/g, ' ').trim(), 'NoNewPrivs: 0\nSeccomp: 2\nuserns=refused');
    } finally {
      await engine.docker(['rm', '-f', 'seccomp-first', 'seccomp-cached']);
    }
  });

  it('refuses a custom profile and unknown options clearly', async () => {
    // the docker CLI reads the profile file and sends its content
    const profile = path.join(tempDir('seccomp-profile'), 'profile.json');
    fs.writeFileSync(profile, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] }));
    await assert.rejects(engine.docker(['run', '--rm', '--security-opt', `seccomp=${profile}`, image, 'true']), /custom seccomp profiles are not supported/);
    removeDir(path.dirname(profile));
    await assert.rejects(engine.docker(['run', '--rm', '--security-opt', 'foo=bar', image, 'true']), /invalid --security-opt: "foo=bar"/);
    // AppArmor and SELinux options have nothing to act on here, as on a dockerd host without them
    assert.equal((await engine.docker(['run', '--rm', '--network', 'none', '--security-opt', 'apparmor=unconfined', image, 'echo', 'ok'])).stdout, 'ok\n');
  });

  it('says so in docker info', async () => {
    assert.match((await engine.docker(['info', '--format', '{{json .SecurityOptions}}'])).stdout, /name=seccomp,profile=builtin/);
  });
});
