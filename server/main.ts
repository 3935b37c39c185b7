// Entry point of dist/server.js. `createConnection` picks the transport from the command line
// (`--stdio`, `--node-ipc`, `--socket=<port>`, `--pipe=<name>`), as every LSP client expects.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

const transports = ['--stdio', '--node-ipc', '--socket', '--pipe'];
if (!process.argv.slice(2).some((arg) => transports.some((t) => arg === t || arg.startsWith(`${t}=`)))) {
  process.stderr.write('Usage: dockwright-language-server --stdio | --node-ipc | --socket=<port> | --pipe=<name>\n');
  process.exit(2);
}

startServer(createConnection(ProposedFeatures.all));
