// Build contexts for the differential tests: each is built by Dockwright and by the reference
// dockerd (classic builder), both driven by the docker CLI, and the flattened filesystems and the
// config fields must be equal — except where the issue says to follow BuildKit and dockerd 20.10's
// classic builder differs: there `buildkit` rewrites dockerd's view into what BuildKit produces,
// and the comment says why.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as zlib from 'node:zlib';
import * as tar from 'tar-stream';
import type { FsView } from './flatten';

export type ContextFile = string | Buffer | { symlink: string } | { content: string | Buffer; mode: number };

export interface BuildCase {
  name: string;
  files: Record<string, ContextFile>;
  /** `{{BASE}}` is replaced by the busybox image in the test registry. */
  dockerfile: string;
  /** Extra `docker build` arguments. */
  args?: string[];
  /** Built (and tagged `{{name}}-base`) before the case itself, e.g. an ONBUILD parent. */
  parent?: { dockerfile: string; tag: string };
  /** Turns dockerd's (classic) result into BuildKit's where they differ. */
  buildkit?: (fsView: FsView, config: Record<string, unknown>) => void;
}

async function tarOf(entries: { name: string; content?: string; type?: 'file' | 'directory' | 'symlink'; linkname?: string; mode?: number; uid?: number; gid?: number }[], gzip: boolean): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c) => { chunks.push(c as Buffer); });
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  for (const { content, ...h } of entries) pack.entry({ mtime: new Date(1_500_000_000_000), mode: 0o644, uid: 0, gid: 0, ...h }, content ?? '');
  pack.finalize();
  await done;
  const raw = Buffer.concat(chunks);
  return gzip ? zlib.gzipSync(raw) : raw;
}

/** 20 MiB of deterministic, incompressible bytes. */
function bigFile(): Buffer {
  const out = Buffer.alloc(20 * 1024 * 1024);
  let block = createHash('sha256').update('dockwright').digest();
  for (let off = 0; off < out.length; off += 32) {
    block = createHash('sha256').update(block).digest();
    block.copy(out, off);
  }
  return out;
}

/** `input` compressed by a real tool (bzip2, xz, zstd). */
function compressWith(argv: string[], input: Buffer): Buffer {
  return execFileSync(argv[0], argv.slice(1), { input, maxBuffer: 64 << 20 });
}

export async function buildCases(): Promise<BuildCase[]> {
  const archiveEntries = [
    { name: 'pkg/', type: 'directory' as const, mode: 0o750 },
    { name: 'pkg/bin/tool', content: '#!/bin/sh\necho tool\n', mode: 0o755 },
    { name: 'pkg/etc/conf', content: 'x=1\n', mode: 0o600, uid: 1000, gid: 1000 },
    { name: 'pkg/link', type: 'symlink' as const, linkname: 'bin/tool' },
  ];
  return [
    {
      name: 'metadata',
      files: { 'a.txt': 'A\n' },
      dockerfile: `FROM {{BASE}}
ENV A=1 B="two words" C=\${A}-x
LABEL org.example.name="dockwright" other=$B
EXPOSE 80 443/tcp 53/udp 8000-8002
VOLUME ["/data", "/logs"]
STOPSIGNAL SIGQUIT
HEALTHCHECK --interval=5s --timeout=3s --retries=2 CMD wget -q -O- http://localhost/ || exit 1
SHELL ["/bin/sh", "-ec"]
WORKDIR /srv
WORKDIR sub
USER 1000:1000
ENTRYPOINT ["/bin/echo"]
CMD ["hello"]
`,
    },
    {
      name: 'copy-rules',
      files: { 'a.txt': 'A\n', 'b.txt': 'B\n', 'dir/x': 'x\n', 'dir/sub/y': 'y\n', 'exec.sh': { content: '#!/bin/sh\n', mode: 0o755 } },
      dockerfile: `FROM {{BASE}}
COPY a.txt /file-as-name
COPY a.txt /newdir/
COPY a.txt b.txt /multi/
COPY dir /dircontents
COPY dir/ /dircontents2/
COPY exec.sh /usr/bin/
WORKDIR /rel
COPY a.txt relative.txt
COPY a.txt .
`,
    },
    {
      name: 'wildcards',
      files: { 'one.txt': '1', 'two.txt': '2', 'three.md': '3', 'src/a/keep.c': 'a', 'src/b/keep.c': 'b', 'src/b/skip.h': 'h' },
      dockerfile: `FROM {{BASE}}
COPY *.txt /txt/
COPY t?o.* /q/
COPY src/*/keep.c /keep/
COPY [ot]*.txt /cls/
`,
    },
    {
      name: 'multi-stage',
      files: { 'main.c': 'int main(){}\n' },
      dockerfile: `FROM {{BASE}} AS build
RUN mkdir -p /out && echo built > /out/artifact && chmod 0640 /out/artifact && chown 1000:1000 /out/artifact
COPY main.c /src/
FROM {{BASE}} AS other
RUN echo other > /other
FROM {{BASE}}
COPY --from=build /out/artifact /app/
COPY --from=1 /other /app/other
COPY --from=build /src /src
CMD ["/app/artifact"]
`,
    },
    {
      name: 'arg-scoping',
      files: {},
      args: ['--build-arg', 'OVERRIDE=from-cli', '--build-arg', 'UNUSED=1'],
      dockerfile: `ARG BASE_IMAGE={{BASE}}
ARG GLOBAL=global-default
FROM \${BASE_IMAGE}
ARG GLOBAL
ARG OVERRIDE=default
ARG EMPTY
ARG LATER=\${GLOBAL}-later
ENV FROM_ARG=\${OVERRIDE} DEFAULTED=\${EMPTY:-fallback} ALT=\${GLOBAL:+set} UNSET_ALT=\${EMPTY:+x}y
RUN echo "$GLOBAL $OVERRIDE $LATER [$EMPTY]" > /args.txt
LABEL later=$LATER
`,
    },
    {
      name: 'chown-user-names',
      files: { 'a.txt': 'A\n', 'dir/f': 'f\n' },
      dockerfile: `FROM {{BASE}}
COPY --chown=app:app a.txt /home/app/owned.txt
COPY --chown=1000:65534 dir /home/app/dir
COPY --chown=app a.txt /tmp/app.txt
USER app
RUN id > /tmp/id.txt && touch /tmp/made-by-app
USER root
`,
    },
    {
      name: 'add-archives',
      files: {
        'pkg.tar.gz': await tarOf(archiveEntries, true),
        'pkg.tar': await tarOf(archiveEntries, false),
        'not-archive.txt': 'plain\n',
      },
      dockerfile: `FROM {{BASE}}
ADD pkg.tar.gz /gz/
ADD pkg.tar /plain
ADD not-archive.txt /added/
`,
    },
    {
      // ADD unpacks bzip2, xz and zstd tars too (compressed by the real tools); compressed
      // files that are not tars are copied as they are
      name: 'add-compressed-archives',
      files: {
        'pkg.tar.bz2': compressWith(['bzip2', '-c'], await tarOf(archiveEntries, false)),
        'pkg.tar.xz': compressWith(['xz', '-c'], await tarOf(archiveEntries, false)),
        'pkg.tar.zst': compressWith(['zstd', '-q', '-c'], await tarOf(archiveEntries, false)),
        'notes.txt.xz': compressWith(['xz', '-c'], Buffer.from('not a tar\n')),
        'notes.txt.gz': zlib.gzipSync(Buffer.from('not a tar either\n')),
      },
      dockerfile: `FROM {{BASE}}
ADD pkg.tar.bz2 /bz2/
ADD pkg.tar.xz /xz/
ADD pkg.tar.zst /zst/
ADD notes.txt.xz notes.txt.gz /notes/
`,
      // dockerd 20.10's classic builder copies a zstd tar as a file; BuildKit unpacks it like the others
      buildkit: (v) => {
        delete v['/zst/pkg.tar.zst'];
        for (const [p, node] of Object.entries(v)) if (p.startsWith('/bz2/pkg')) v[p.replace('/bz2/', '/zst/')] = { ...node };
      },
    },
    {
      name: 'whiteouts-and-replacements',
      files: {},
      dockerfile: `FROM {{BASE}}
RUN mkdir -p /var/lib/thing && echo data > /var/lib/thing/f && mkdir /gone && echo g > /gone/x
RUN rm /etc/group && rm -rf /home/app && rm -rf /gone
RUN rm -rf /var && echo now-a-file > /var && rm /bin/vi && mkdir /bin/vi && echo dir > /bin/vi/inside
RUN rm /tmp -rf && ln -s /var /tmp
`,
    },
    {
      name: 'links',
      files: { 'target.txt': 'T\n', 'rel-link': { symlink: 'target.txt' }, 'abs-link': { symlink: '/etc/passwd' }, 'dir/up-link': { symlink: '../target.txt' } },
      dockerfile: `FROM {{BASE}}
COPY . /ctx/
RUN echo hi > /h1 && ln /h1 /h2 && ln -s h1 /s1 && ln -s /nonexistent /dangling
`,
    },
    {
      name: 'unicode-and-spaces',
      files: { 'dir with space/file name.txt': 'spaces\n', 'ünïcødé/日本語.txt': 'unicode\n', 'emoji-😀.txt': 'emoji\n' },
      dockerfile: `FROM {{BASE}}
COPY . /names/
RUN mkdir "/made by run" && echo x > "/made by run/é è.txt"
`,
    },
    {
      name: 'big-file',
      files: { 'big.bin': bigFile() },
      dockerfile: `FROM {{BASE}}
COPY big.bin /big.bin
RUN sha256sum /big.bin > /big.sum
`,
    },
    {
      name: 'dockerignore-exceptions',
      files: {
        '.dockerignore': '*.log\n!keep.log\n**/tmp\nsecret/\n!secret/public\n# comment\n',
        'a.log': 'drop', 'keep.log': 'keep', 'tmp/x': 'drop', 'deep/tmp/y': 'drop', 'deep/z': 'keep',
        'secret/key': 'drop', 'secret/public': 'keep', 'main.txt': 'keep',
      },
      dockerfile: `FROM {{BASE}}
COPY . /ctx/
`,
    },
    {
      name: 'dockerignore-doublestar',
      files: {
        '.dockerignore': '**/*.md\n!docs/**/keep.md\nvendor\n!vendor/keep\nbuild/**\n!build/out\n**/cache/**\n!**/cache/keep\n',
        'README.md': 'drop', 'docs/a.md': 'drop', 'docs/x/keep.md': 'keep', 'docs/x/other.md': 'drop',
        'vendor/lib.go': 'drop', 'vendor/keep': 'keep', 'build/obj.o': 'drop', 'build/out/app': 'keep',
        'src/cache/c': 'drop', 'src/cache/keep': 'keep', 'src/main.go': 'keep', 'notes.txt': 'keep',
      },
      dockerfile: `FROM {{BASE}}
COPY . /ctx/
`,
    },
    {
      name: 'onbuild',
      files: { 'a.txt': 'A\n' },
      parent: {
        tag: 'onbuild-parent',
        dockerfile: `FROM {{BASE}}
ONBUILD COPY a.txt /from-trigger.txt
ONBUILD RUN echo triggered > /trigger-ran
RUN echo parent > /parent
`,
      },
      dockerfile: `FROM onbuild-parent
RUN cat /from-trigger.txt /trigger-ran > /combined
`,
    },
    {
      name: 'workdir-under-user',
      files: {},
      dockerfile: `FROM {{BASE}}
USER app
WORKDIR /home/app/work/deeper
USER root
RUN touch made-here
`,
      // BuildKit creates a missing WORKDIR as the current USER; the classic builder as root.
      buildkit: (v) => {
        for (const p of ['/home/app/work', '/home/app/work/deeper']) Object.assign(v[p], { uid: 1000, gid: 1000 });
      },
    },
    {
      name: 'volume-write-kept',
      files: {},
      dockerfile: `FROM {{BASE}}
VOLUME /data
RUN mkdir -p /data && echo kept > /data/f
`,
      // BuildKit keeps what RUN writes under a VOLUME path; the classic builder drops it.
      buildkit: (v) => {
        v['/data/f'] = { type: 'file', mode: '644', uid: 0, gid: 0, size: 5, sha256: createHash('sha256').update('kept\n').digest('hex') };
      },
    },
    {
      name: 'env-and-shell-forms',
      files: {},
      dockerfile: `FROM {{BASE}}
ENV DIR=/opt/app NAME=world
WORKDIR $DIR
RUN echo "hello $NAME" > greeting
RUN ["/bin/sh", "-c", "echo exec-form > exec.txt"]
SHELL ["/bin/sh", "-c"]
CMD echo $NAME
ENTRYPOINT /bin/sh -c
`,
    },
    {
      name: 'stage-arg-inheritance',
      files: {},
      dockerfile: `FROM {{BASE}} AS parent
ARG INHERITED=from-parent
ENV KEPT=env
FROM parent
RUN echo "[$INHERITED] [$KEPT]" > /seen
`,
      // BuildKit: a stage built FROM another stage inherits its ARGs; the classic builder does not.
      buildkit: (v) => {
        const text = '[from-parent] [env]\n';
        v['/seen'] = { ...v['/seen'], size: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
      },
    },
    {
      name: 'copy-from-image-and-target',
      files: {},
      args: ['--target', 'mid'],
      dockerfile: `FROM {{BASE}} AS first
RUN echo first > /first
FROM first AS mid
COPY --from={{BASE}} /etc/passwd /copied/passwd
COPY --from=first /first /copied/
FROM mid AS last
RUN echo never-built > /last
`,
    },
    {
      name: 'entrypoint-resets-inherited-cmd',
      files: {},
      parent: {
        tag: 'cmd-parent',
        dockerfile: `FROM {{BASE}}
CMD ["echo", "parent-cmd"]
HEALTHCHECK CMD true
`,
      },
      dockerfile: `FROM cmd-parent
ENTRYPOINT ["/bin/sh", "-c"]
HEALTHCHECK NONE
`,
    },
    {
      name: 'cli-labels-and-build-args-in-run',
      files: {},
      args: ['--label', 'cli.label=yes', '--label', 'shared=cli', '--build-arg', 'VERSION=1.2.3'],
      dockerfile: `FROM {{BASE}}
ARG VERSION
LABEL shared=dockerfile version=$VERSION
RUN echo "v=$VERSION" > /version && env | grep -c VERSION > /count
`,
    },
    {
      name: 'copy-over-existing',
      files: { 'dir/etc/passwd': 'replaced:x:0:0::/:/bin/sh\n', 'dir/newdir/f': 'f', 'file': 'now a file' },
      dockerfile: `FROM {{BASE}}
RUN mkdir -p /target/file && echo inner > /target/file/x && echo old > /target/plain
COPY dir/ /
COPY file /target/file
COPY file /target/plain
`,
    },
    {
      name: 'run-modes-and-owners',
      files: {},
      dockerfile: `FROM {{BASE}}
RUN mkdir -m 0700 /private && touch /setuid && chmod 4755 /setuid && chmod 1777 /private && chown 123:456 /setuid \\
 && mkdir -p /a/b/c && chown -R 1000:1000 /a && mkfifo /fifo || true
`,
    },
  ];
}
