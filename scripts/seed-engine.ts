// Seeds an engine (by default the bundled one `npm start` runs) with busybox:latest imported from
// Debian's busybox-static — offline, nothing is pulled. Usage: tsx scripts/seed-engine.ts unix:///path.sock
import { Readable } from 'node:stream';
import { createEngineClient, resolveEndpoint } from '../engine/api/client';
import { busyboxRootfsTar } from '../test/harness/images';

async function main(): Promise<void> {
  const host = process.argv[2];
  if (!host) throw new Error('usage: seed-engine.ts unix:///path/to/engine.sock');
  const docker = createEngineClient(resolveEndpoint(host));
  const images = await docker.listImages();
  if (images.some((i) => i.RepoTags?.includes('busybox:latest'))) return;
  const stream = await (docker.importImage(Readable.from(await busyboxRootfsTar()) as any, { repo: 'busybox', tag: 'latest', changes: ['CMD ["sh"]'] } as any) as unknown as Promise<NodeJS.ReadableStream>);
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())));
  if (!(await docker.listImages()).some((i) => i.RepoTags?.includes('busybox:latest'))) throw new Error('busybox:latest was not imported');
  console.log('seed-engine: imported busybox:latest');
}

main().catch((e) => {
  console.error(`seed-engine: ${(e as Error).message}`);
  process.exit(1);
});
