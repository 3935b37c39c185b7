// One Engine API client (dockerode) for any endpoint: the bundled engine, a local Docker Engine or
// Podman socket, tcp with TLS client certificates, or ssh (docker-modem runs `docker system dial-stdio`).
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import Docker from 'dockerode';
import type { EngineEndpoint } from './endpoint';
import { verifyHostKey } from './knownHosts';

export interface SshCredentials {
  /** Private key (PEM/OpenSSH); default: ~/.ssh/id_ed25519, id_ecdsa, id_rsa, whichever exists. */
  privateKey?: Buffer;
  /** ssh-agent socket; default SSH_AUTH_SOCK. */
  agent?: string;
  /** known_hosts files the server's host key is checked against; default ~/.ssh/known_hosts, /etc/ssh/ssh_known_hosts. */
  knownHostsFiles?: string[];
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
    case 'ssh': {
      // Like OpenSSH under the docker CLI: an unknown or changed host key refuses the connection.
      let refusal: string | undefined;
      const hostVerifier = (key: Buffer) => {
        const verdict = verifyHostKey(endpoint.host, endpoint.port, key, ssh.knownHostsFiles);
        refusal = verdict.ok ? undefined : verdict.reason;
        return verdict.ok;
      };
      const docker = new Docker({
        protocol: 'ssh', host: endpoint.host, port: endpoint.port, username: endpoint.username ?? os.userInfo().username,
        sshOptions: { privateKey: ssh.privateKey ?? defaultSshKey(), agent: ssh.agent ?? process.env.SSH_AUTH_SOCK, hostVerifier },
      } as Docker.DockerOptions);
      explainHostKeyRefusals(docker, () => refusal);
      return docker;
    }
  }
}

/** ssh2 only says "Host denied (verification failed)"; every request (all go through modem.dial) reports why instead. */
function explainHostKeyRefusals(docker: Docker, refusal: () => string | undefined): void {
  const modem = docker.modem as { dial(options: unknown, callback: (err: unknown, data?: unknown) => void): unknown };
  const dial = modem.dial.bind(modem);
  modem.dial = (options, callback) => dial(options, (err, data) => {
    const reason = refusal();
    if (err instanceof Error && reason && /Host denied/.test(err.message)) err.message = `ssh: host key verification failed: ${reason}`;
    callback(err, data);
  });
}

function defaultSshKey(): Buffer | undefined {
  for (const name of ['id_ed25519', 'id_ecdsa', 'id_rsa']) {
    const file = path.join(os.homedir(), '.ssh', name);
    if (fs.existsSync(file)) return fs.readFileSync(file);
  }
  return undefined;
}
