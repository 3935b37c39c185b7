/** ARGs BuildKit defines without an ARG line (see the notes, §8). */

export interface PredefinedArg {
  name: string;
  /** `platform`: global (usable in FROM), needs `ARG name` inside a stage. `proxy`: usable
   * everywhere as a build arg without declaration. `buildkit`: frontend/builder controls. */
  group: 'platform' | 'proxy' | 'buildkit';
  doc: string;
}

export const PLATFORM_ARGS: PredefinedArg[] = [
  { name: 'TARGETPLATFORM', group: 'platform', doc: 'Platform of the build result, e.g. `linux/amd64`, `linux/arm/v7`.' },
  { name: 'TARGETOS', group: 'platform', doc: 'OS component of TARGETPLATFORM.' },
  { name: 'TARGETARCH', group: 'platform', doc: 'Architecture component of TARGETPLATFORM.' },
  { name: 'TARGETVARIANT', group: 'platform', doc: 'Variant component of TARGETPLATFORM.' },
  { name: 'BUILDPLATFORM', group: 'platform', doc: 'Platform of the node performing the build.' },
  { name: 'BUILDOS', group: 'platform', doc: 'OS component of BUILDPLATFORM.' },
  { name: 'BUILDARCH', group: 'platform', doc: 'Architecture component of BUILDPLATFORM.' },
  { name: 'BUILDVARIANT', group: 'platform', doc: 'Variant component of BUILDPLATFORM.' },
];

export const PROXY_ARGS: PredefinedArg[] = [
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
].map((name) => ({
  name,
  group: 'proxy' as const,
  doc: 'Proxy build argument: usable without an `ARG` line; kept out of the image history and cache key unless declared.',
}));

export const BUILDKIT_ARGS: PredefinedArg[] = [
  ['BUILDKIT_BUILD_NAME', 'Overrides the build name shown in history.'],
  ['BUILDKIT_CACHE_MOUNT_NS', 'Namespace for cache mount ids.'],
  ['BUILDKIT_CONTEXT_KEEP_GIT_DIR', 'Keep the `.git` directory of a Git build context.'],
  ['BUILDKIT_INLINE_CACHE', 'Write cache metadata into the image config.'],
  ['BUILDKIT_MULTI_PLATFORM', 'Produce a multi-platform result even for one platform.'],
  ['BUILDKIT_SANDBOX_HOSTNAME', 'Hostname of RUN containers (default `buildkitsandbox`).'],
  ['BUILDKIT_SYNTAX', 'Frontend image to use instead of the `# syntax` directive.'],
  ['BUILDKIT_DOCKERFILE_CHECK', 'Build-check configuration; replaces the `# check=` directive.'],
  ['SOURCE_DATE_EPOCH', 'Unix timestamp used for reproducible timestamps in the result.'],
].map(([name, doc]) => ({ name, group: 'buildkit' as const, doc }));

export const PREDEFINED_ARGS: PredefinedArg[] = [...PLATFORM_ARGS, ...PROXY_ARGS, ...BUILDKIT_ARGS];

export interface PlatformSpec {
  os: string;
  arch: string;
  variant?: string;
}

/** Values of the platform ARGs for a target and build platform. */
export function platformArgValues(target: PlatformSpec, build: PlatformSpec): Map<string, string> {
  const fmt = (p: PlatformSpec) => `${p.os}/${p.arch}${p.variant ? `/${p.variant}` : ''}`;
  return new Map([
    ['TARGETPLATFORM', fmt(target)],
    ['TARGETOS', target.os],
    ['TARGETARCH', target.arch],
    ['TARGETVARIANT', target.variant ?? ''],
    ['BUILDPLATFORM', fmt(build)],
    ['BUILDOS', build.os],
    ['BUILDARCH', build.arch],
    ['BUILDVARIANT', build.variant ?? ''],
  ]);
}
