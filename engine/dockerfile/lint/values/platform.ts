/** containerd's platforms.Parse, reduced to what decides validity: `os[/arch[/variant]]` or a known arch alone. */
const OS = ['aix', 'android', 'darwin', 'dragonfly', 'freebsd', 'hurd', 'illumos', 'ios', 'js', 'linux', 'nacl', 'netbsd', 'openbsd', 'plan9', 'solaris', 'wasip1', 'windows', 'zos'];
const ARCH = ['386', 'amd64', 'amd64p32', 'arm', 'armbe', 'arm64', 'arm64be', 'i386', 'x86_64', 'x86-64', 'aarch64', 'armhf', 'armel', 'loong64', 'mips', 'mipsle', 'mips64', 'mips64le', 'mips64p32', 'mips64p32le', 'ppc', 'ppc64', 'ppc64le', 'riscv', 'riscv64', 's390', 's390x', 'sparc', 'sparc64', 'wasm'];

const COMPONENT = /^[a-z0-9_-]+$/;

export interface Platform { os: string; architecture: string; variant?: string }

export function parsePlatform(text: string): Platform | undefined {
  const parts = text.toLowerCase().split('/');
  if (parts.some((p) => !COMPONENT.test(p)) || parts.length > 3) return undefined;
  if (parts.length === 1) {
    if (OS.includes(parts[0])) return { os: parts[0], architecture: 'amd64' };
    if (ARCH.includes(parts[0])) return { os: 'linux', architecture: parts[0] };
    return undefined;
  }
  if (!OS.includes(parts[0]) || !ARCH.includes(parts[1])) return undefined;
  return { os: parts[0], architecture: parts[1], variant: parts[2] };
}
