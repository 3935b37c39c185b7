import type { MountKeySpec, MountTypeSpec } from './types';

const target: MountKeySpec = { name: 'target', aliases: ['dst', 'destination'], type: 'string', doc: 'Mount path in the container.' };
const source: MountKeySpec = { name: 'source', aliases: ['src'], type: 'string', doc: 'Path in `from` (default: its root).' };
const from: MountKeySpec = { name: 'from', type: 'stage', doc: 'Stage, named context or image to mount from (default: the build context).' };
const id: MountKeySpec = { name: 'id', type: 'string', doc: 'Identifier of the cache, secret or SSH socket.' };
const mode = (def: string): MountKeySpec => ({ name: 'mode', type: 'octal', default: def, doc: `File mode (default \`${def}\`).` });
const uid: MountKeySpec = { name: 'uid', type: 'int', default: '0', doc: 'Owner user id.' };
const gid: MountKeySpec = { name: 'gid', type: 'int', default: '0', doc: 'Owner group id.' };
const required: MountKeySpec = { name: 'required', type: 'bool', default: 'false', doc: 'Fail the build when it is not provided.' };
const typeKey: MountKeySpec = { name: 'type', type: 'enum', values: ['bind', 'cache', 'tmpfs', 'secret', 'ssh'], default: 'bind', doc: 'Mount type.' };

export const MOUNT_TYPES: MountTypeSpec[] = [
  {
    type: 'bind',
    doc: 'Bind-mount a directory or file from the context, a stage or an image (read-only by default).',
    keys: [typeKey, target, source, from, { name: 'rw', aliases: ['readwrite'], type: 'bool', doc: 'Allow writes (they are discarded).' }],
  },
  {
    type: 'cache',
    doc: 'A persistent cache directory shared between builds (compilers, package managers).',
    keys: [
      typeKey, { ...id, doc: 'Cache id (default: the target path).' }, target,
      { name: 'ro', aliases: ['readonly'], type: 'bool', doc: 'Read-only.' },
      { name: 'sharing', type: 'enum', values: ['shared', 'private', 'locked'], default: 'shared', doc: 'Concurrent use: `shared`, `private` (new cache if busy) or `locked` (wait).' },
      from, source, mode('0755'), uid, gid,
    ],
  },
  {
    type: 'tmpfs',
    doc: 'A tmpfs mounted for this command only.',
    keys: [typeKey, target, { name: 'size', type: 'bytes', doc: 'Size limit of the tmpfs.' }],
  },
  {
    type: 'secret',
    doc: 'A build secret (`--secret id=...`) as a file or an environment variable, never stored in the image.',
    keys: [
      typeKey, { ...id, doc: 'Secret id (default: base name of the target).' },
      { ...target, doc: 'File path (default `/run/secrets/<id>`).' },
      { name: 'env', type: 'string', minSyntax: '1.10', doc: 'Expose the secret as this environment variable.' },
      required, mode('0400'), uid, gid,
    ],
  },
  {
    type: 'ssh',
    doc: 'Access to an SSH agent (`--ssh default`) for this command.',
    keys: [
      typeKey, { ...id, default: 'default', doc: 'SSH agent id (default `default`).' },
      { ...target, doc: 'Socket path (default `/run/buildkit/ssh_agent.N`).' }, required, mode('0600'), uid, gid,
    ],
  },
];

export function mountTypeSpec(type: string): MountTypeSpec | undefined {
  return MOUNT_TYPES.find((m) => m.type === type.toLowerCase());
}

/** The key spec for `key` (or one of its aliases) in a mount type. */
export function mountKeySpec(type: string, key: string): MountKeySpec | undefined {
  const k = key.toLowerCase();
  return mountTypeSpec(type)?.keys.find((s) => s.name === k || s.aliases?.includes(k));
}

/** Every key BuildKit's --mount parser accepts for any type (unknown ones are an error). */
export const MOUNT_KEYS: ReadonlySet<string> = new Set(
  MOUNT_TYPES.flatMap((m) => m.keys.flatMap((k) => [k.name, ...(k.aliases ?? [])])),
);
