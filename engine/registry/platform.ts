// Choosing a manifest from an index for a platform, with the fallbacks Docker/containerd use
// (containerd platforms.Only): amd64 has no variant (v1 accepted), arm64 means v8 and can run
// arm v7/v6/v5 images, arm defaults to v7 and runs older variants; amd64 can run 386.
import type { Descriptor, Platform } from '../image';

export interface PlatformSpec {
  os: string;
  architecture: string;
  variant?: string;
}

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', x64: 'amd64', aarch64: 'arm64', armhf: 'arm', armel: 'arm', i386: '386', ia32: '386' };

/** Normalizes like containerd's platforms.Normalize (arch aliases, default variants). */
export function normalizePlatform(p: PlatformSpec): PlatformSpec {
  const architecture = ARCH_ALIASES[p.architecture.toLowerCase()] ?? p.architecture.toLowerCase();
  let variant = p.variant?.toLowerCase() || undefined;
  if (architecture === 'arm64' && (variant === undefined || variant === '8')) variant = 'v8';
  if (architecture === 'amd64' && variant === 'v1') variant = undefined;
  if (architecture === 'arm' && variant === undefined) variant = 'v7';
  if (architecture === 'arm' && variant && /^\d$/.test(variant)) variant = `v${variant}`;
  return { os: p.os.toLowerCase(), architecture, variant };
}

/** Parses `linux`, `linux/arm64`, `linux/arm/v7`. */
export function parsePlatform(s: string): PlatformSpec {
  const parts = s.trim().split('/');
  if (!parts[0] || parts.length > 3) throw new Error(`invalid platform ${JSON.stringify(s)}: expected os[/arch[/variant]]`);
  const hostArch = defaultPlatform().architecture;
  return normalizePlatform({ os: parts[0], architecture: parts[1] ?? hostArch, variant: parts[2] });
}

export function defaultPlatform(): PlatformSpec {
  const arch = process.arch === 'arm' ? 'arm' : process.arch;
  return normalizePlatform({ os: 'linux', architecture: arch });
}

export function formatPlatform(p: PlatformSpec): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

/** The platforms acceptable for `want`, best first. */
function preferences(want: PlatformSpec): PlatformSpec[] {
  const w = normalizePlatform(want);
  const list = [w];
  if (w.architecture === 'arm64') list.push(...['v7', 'v6', 'v5'].map((variant) => ({ os: w.os, architecture: 'arm', variant })));
  if (w.architecture === 'arm') {
    const n = Number((w.variant ?? 'v7').slice(1));
    for (let v = n - 1; v >= 5; v--) list.push({ os: w.os, architecture: 'arm', variant: `v${v}` });
  }
  if (w.architecture === 'amd64') list.push({ os: w.os, architecture: '386' });
  return list;
}

function matches(p: Platform | undefined, want: PlatformSpec): boolean {
  if (!p) return false;
  const n = normalizePlatform({ os: p.os ?? '', architecture: p.architecture ?? '', variant: p.variant });
  return n.os === want.os && n.architecture === want.architecture && (n.variant ?? '') === (want.variant ?? '');
}

/** Picks the best manifest for `want` from an index's entries; undefined if none fits. */
export function selectManifest(manifests: Descriptor[], want: PlatformSpec = defaultPlatform()): Descriptor | undefined {
  for (const pref of preferences(want)) {
    const hit = manifests.find((m) => matches(m.platform, pref));
    if (hit) return hit;
  }
  return undefined;
}
