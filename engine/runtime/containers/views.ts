// The Engine API views of a container: `GET /containers/{id}/json` and the `/containers/json` summary.
import type { ContainerRecord } from './types';

function ago(iso: string): string {
  const s = Math.max(0, (Date.now() - Date.parse(iso)) / 1000);
  if (s < 1) return 'Less than a second';
  if (s < 60) return `${Math.floor(s)} second${Math.floor(s) === 1 ? '' : 's'}`;
  if (s < 3600) return `${Math.floor(s / 60)} minute${Math.floor(s / 60) === 1 ? '' : 's'}`;
  if (s < 86400) return `${Math.floor(s / 3600)} hour${Math.floor(s / 3600) === 1 ? '' : 's'}`;
  return `${Math.floor(s / 86400)} days`;
}

/** `Up 3 seconds`, `Exited (0) 2 minutes ago`, `Created` — the Status column of `docker ps`. */
export function statusText(r: ContainerRecord): string {
  const s = r.State;
  if (s.Status === 'restarting') return `Restarting (${s.ExitCode}) ${ago(s.FinishedAt)} ago`;
  if (s.Running) return `Up ${ago(s.StartedAt)}${s.Paused ? ' (Paused)' : ''}${s.Health && s.Health.Status !== 'none' ? ` (${s.Health.Status === 'starting' ? 'health: starting' : s.Health.Status})` : ''}`;
  if (s.Status === 'created') return 'Created';
  return `Exited (${s.ExitCode}) ${ago(s.FinishedAt)} ago`;
}

const command = (r: ContainerRecord) => [r.Path, ...r.Args].map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ');

function ports(r: ContainerRecord) {
  return Object.keys(r.Config.ExposedPorts ?? {}).map((p) => {
    const [port, proto = 'tcp'] = p.split('/');
    return { PrivatePort: Number(port), Type: proto };
  });
}

export function summary(r: ContainerRecord) {
  return {
    Id: r.Id,
    Names: [r.Name],
    Image: r.Config.Image ?? r.Image,
    ImageID: r.Image,
    Command: command(r),
    Created: Math.floor(Date.parse(r.Created) / 1000),
    Ports: ports(r),
    Labels: r.Config.Labels ?? {},
    State: r.State.Status,
    Status: statusText(r),
    HostConfig: { NetworkMode: r.HostConfig.NetworkMode ?? 'host' },
    NetworkSettings: { Networks: { [r.HostConfig.NetworkMode ?? 'host']: { NetworkID: r.HostConfig.NetworkMode ?? 'host', IPAddress: '' } } },
    Mounts: r.Mounts.map((m) => ({ ...m, Driver: m.Type === 'volume' ? 'local' : undefined })),
  };
}

export function inspect(r: ContainerRecord, extra: { logPath: string; dir: string; execIds: string[] }) {
  const net = r.HostConfig.NetworkMode ?? 'host';
  return {
    Id: r.Id,
    Created: r.Created,
    Path: r.Path,
    Args: r.Args,
    State: { ...r.State, Health: r.State.Health },
    Image: r.Image,
    ResolvConfPath: `${extra.dir}/resolv.conf`,
    HostnamePath: `${extra.dir}/hostname`,
    HostsPath: `${extra.dir}/hosts`,
    LogPath: extra.logPath,
    Name: r.Name,
    RestartCount: r.RestartCount,
    Driver: r.Driver,
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: extra.execIds.length ? extra.execIds : null,
    HostConfig: {
      Binds: null, NetworkMode: net, PortBindings: {}, RestartPolicy: { Name: 'no', MaximumRetryCount: 0 }, AutoRemove: false,
      CapAdd: null, CapDrop: null, ReadonlyRootfs: false, Memory: 0, NanoCpus: 0, PidsLimit: null, LogConfig: { Type: 'json-file', Config: {} },
      ...r.HostConfig,
    },
    GraphDriver: { Name: r.Driver, Data: null },
    Mounts: r.Mounts,
    Config: {
      Hostname: r.Config.Hostname ?? '', Domainname: '', User: r.Config.User ?? '', AttachStdin: !!r.Config.AttachStdin,
      AttachStdout: !!r.Config.AttachStdout, AttachStderr: !!r.Config.AttachStderr, Tty: !!r.Config.Tty, OpenStdin: !!r.Config.OpenStdin,
      StdinOnce: !!r.Config.StdinOnce, Env: r.Config.Env ?? [], Cmd: r.Config.Cmd ?? null, Image: r.Config.Image ?? '', Volumes: r.Config.Volumes ?? null,
      WorkingDir: r.Config.WorkingDir ?? '', Entrypoint: r.Config.Entrypoint ?? null, OnBuild: null, Labels: r.Config.Labels ?? {},
      ...(r.Config.ExposedPorts && Object.keys(r.Config.ExposedPorts).length ? { ExposedPorts: r.Config.ExposedPorts } : {}),
      ...(r.Config.StopSignal ? { StopSignal: r.Config.StopSignal } : {}),
      ...(r.Config.StopTimeout !== undefined && r.Config.StopTimeout !== null ? { StopTimeout: r.Config.StopTimeout } : {}),
      ...(r.Config.Healthcheck ? { Healthcheck: r.Config.Healthcheck } : {}),
    },
    NetworkSettings: {
      Bridge: '', SandboxID: '', HairpinMode: false, Ports: {}, SandboxKey: '', IPAddress: '', IPPrefixLen: 0, Gateway: '', MacAddress: '',
      Networks: { [net]: { NetworkID: net, EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, MacAddress: '' } },
    },
  };
}
