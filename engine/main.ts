// `node dist/engine.js`: the bundled Dockwright engine, a daemon serving the Docker Engine API.
import { parseFlags, USAGE } from './api/flags';
import { startDaemon } from './api/server';

async function main(): Promise<void> {
  let opts;
  try {
    opts = parseFlags(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`dockwright-engine: ${(e as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (opts === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const daemon = await startDaemon(opts, (line) => process.stderr.write(`${line}\n`));
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    daemon.engine.log.info(`received ${signal}, shutting down`);
    daemon.close().then(() => process.exit(0), (e) => {
      process.stderr.write(`dockwright-engine: shutdown failed: ${(e as Error).message}\n`);
      process.exit(1);
    });
  };
  // A daemon that holds containers must not die on one forgotten promise: log it instead.
  process.on('unhandledRejection', (e) => daemon.engine.log.error(`unhandled rejection: ${e instanceof Error ? e.stack : String(e)}`));
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((e) => {
  process.stderr.write(`dockwright-engine: ${(e as Error).message}\n`);
  process.exit(1);
});
