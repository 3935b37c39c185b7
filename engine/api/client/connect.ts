// One Engine API client (dockerode) for any endpoint: the bundled engine, a local Docker Engine or
// Podman socket, tcp with TLS client certificates, or ssh (docker-modem runs `docker system dial-stdio`).
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import type { EngineEndpoint } from './endpoint';

export interface SshCredentials {
  /** Private key (PEM/OpenSSH); default: ~/.ssh/id_ed25519, id_ecdsa, id_rsa, whichever exists. */
  privateKey?: Buffer;
  /** ssh-agent socket; default SSH_AUTH_SOCK. */
  agent?: string;
}

export function createEngineClient(endpoint: EngineEndpoint, ssh: SshCredentials = {}): Docker {
  switch (endpoint.kind) {
    case 'unix':
      return new Docker({ socketPath: endpoint.socketPath });
    case 'tcp': {
      const tls = endpoint.tls;
      if (!tls) return new Docker({ protocol: 'http', host: endpoint.host, port: endpoint.port });
      return new Docker({
        protocol: 'https', host: endpoint.host, port: endpoint.port, ca: tls.ca, cert: tls.cert, key: tls.key,
        // Without DOCKER_TLS_VERIFY the CLI encrypts but does not verify the server; do the same.
        agent: tls.verify ? undefined : new https.Agent({ ca: tls.ca, cert: tls.cert, key: tls.key, rejectUnauthorized: false }),
      } as Docker.DockerOptions);
    }
    case 'ssh':
      return new Docker({
        protocol: 'ssh', host: endpoint.host, port: endpoint.port, username: endpoint.username ?? os.userInfo().username,
        sshOptions: { privateKey: ssh.privateKey ?? defaultSshKey(), agent: ssh.agent ?? process.env.SSH_AUTH_SOCK },
      } as Docker.DockerOptions);
  }
}

function defaultSshKey(): Buffer | undefined {
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const file = path.join(os.homedir(), '.ssh', name);
    if (fs.existsSync(file)) return fs.readFileSync(file);
  }
  return undefined;
}
