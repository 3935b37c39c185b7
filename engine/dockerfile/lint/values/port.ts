/**
 * EXPOSE port specs as go-connections/nat.ParsePortSpec reads them: `[ip:[hostPort]:]port[-port][/proto]`.
 */
export type PortProblem =
  | { kind: 'port'; message: string }
  | { kind: 'proto'; message: string }
  | { kind: 'mapping'; message: string };

const PROTOCOLS = ['tcp', 'udp', 'sctp'];
const PORT_RANGE = /^(\d+)(?:-(\d+))?$/;

function validPortRange(text: string): boolean {
  const m = PORT_RANGE.exec(text);
  if (!m) return false;
  const start = Number(m[1]);
  const end = m[2] === undefined ? start : Number(m[2]);
  return start <= 65535 && end <= 65535 && start <= end;
}

/** Splits `80/tcp` into port and protocol (protocol may be undefined). */
export function splitProtoPort(spec: string): { port: string; proto?: string } {
  const slash = spec.indexOf('/');
  if (slash < 0) return { port: spec };
  return { port: spec.slice(0, slash), proto: spec.slice(slash + 1) };
}

/** Build-failing problems of one EXPOSE spec (after expansion), or undefined when it is valid. */
export function validatePortSpec(spec: string): PortProblem | undefined {
  const { port, proto } = splitProtoPort(spec);
  if (proto !== undefined && !PROTOCOLS.includes(proto.toLowerCase())) {
    return { kind: 'proto', message: `Invalid proto: ${proto}` };
  }
  // ip:hostPort:containerPort or hostPort:containerPort (IPv6 in brackets).
  const parts = port.startsWith('[') ? splitBracketed(port) : port.split(':');
  const container = parts[parts.length - 1];
  if (parts.length > 3) return { kind: 'port', message: `Invalid containerPort: ${port}` };
  if (!validPortRange(container)) return { kind: 'port', message: `Invalid containerPort: ${container}` };
  if (parts.length >= 2) {
    const host = parts[parts.length - 2];
    if (host !== '' && !validPortRange(host)) return { kind: 'port', message: `Invalid hostPort: ${host}` };
  }
  return undefined;
}

function splitBracketed(text: string): string[] {
  const close = text.indexOf(']');
  if (close < 0) return [text];
  return [text.slice(0, close + 1), ...text.slice(close + 2).split(':')];
}
