// `docker top` (host `ps` over the container's processes) and `docker stats` (cgroup v1 files).
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { promisify } from 'node:util';
import { descendants } from '../monitor/procTree';
import type { ContainerRecord } from './types';

const execFileP = promisify(execFile);
const PS = '/usr/bin/ps';
const CGROUP = '/sys/fs/cgroup';

export async function containerTop(pid: number, psArgs?: string): Promise<{ Titles: string[]; Processes: string[][] }> {
  const pids = [pid, ...descendants(pid)];
  const fields = psArgs ? psArgs.split(/\s+/).filter((a) => /^[a-z,]+$/.test(a)).join(',') : '';
  const format = fields || 'uid,pid,ppid,c,stime,tty,time,cmd';
  const { stdout } = await execFileP(PS, ['-o', format, '-p', pids.join(',')]);
  const lines = stdout.trimEnd().split('\n');
  const titles = lines[0].trim().split(/\s+/);
  const processes = lines.slice(1).map((l) => {
    const parts = l.trim().split(/\s+/);
    return [...parts.slice(0, titles.length - 1), parts.slice(titles.length - 1).join(' ')];
  });
  return { Titles: titles.map((t) => (t === 'CMD' ? 'CMD' : t)), Processes: processes };
}

function readNum(file: string): number {
  try {
    return Number(fs.readFileSync(file, 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

function readKv(file: string): Record<string, number> {
  const out: Record<string, number> = {};
  try {
    for (const l of fs.readFileSync(file, 'utf8').split('\n')) {
      const [k, v] = l.split(' ');
      if (k) out[k] = Number(v);
    }
  } catch { /* missing */ }
  return out;
}

/** Host CPU time in ns (sum of /proc/stat's cpu line), as Docker's system_cpu_usage. */
function systemCpuNs(): number {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const ticks = line.split(/\s+/).slice(1).reduce((s, v) => s + (Number(v) || 0), 0);
  return (ticks * 1e9) / 100;
}

export interface Stats {
  read: string;
  cpu_stats: { cpu_usage: { total_usage: number; usage_in_kernelmode: number; usage_in_usermode: number; percpu_usage?: number[] }; system_cpu_usage: number; online_cpus: number; throttling_data: object };
  [k: string]: unknown;
}

export async function containerStats(rec: ContainerRecord, cgroupPath: string | undefined, prev?: Stats): Promise<Stats> {
  const running = rec.State.Running;
  const cg = (ctrl: string, file: string) => `${CGROUP}/${ctrl}${cgroupPath}/${file}`;
  const have = running && !!cgroupPath;
  const acct = have ? readKv(cg('cpuacct', 'cpuacct.stat')) : {};
  const memStat = have ? readKv(cg('memory', 'memory.stat')) : {};
  const percpu = have ? fs.readFileSync(cg('cpuacct', 'cpuacct.usage_percpu'), 'utf8').trim().split(/\s+/).map(Number) : [];
  const usage = have ? readNum(cg('memory', 'memory.usage_in_bytes')) : 0;
  const limit = have ? readNum(cg('memory', 'memory.limit_in_bytes')) : 0;
  const cpu = {
    cpu_usage: {
      total_usage: have ? readNum(cg('cpuacct', 'cpuacct.usage')) : 0,
      percpu_usage: percpu,
      usage_in_kernelmode: ((acct.system ?? 0) * 1e9) / 100,
      usage_in_usermode: ((acct.user ?? 0) * 1e9) / 100,
    },
    system_cpu_usage: systemCpuNs(),
    online_cpus: os.cpus().length,
    throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 },
  };
  return {
    read: running ? new Date().toISOString() : '0001-01-01T00:00:00Z',
    preread: prev?.read ?? '0001-01-01T00:00:00Z',
    pids_stats: { current: have ? readNum(cg('pids', 'pids.current')) : running ? 1 + descendants(rec.State.Pid).length : 0 },
    blkio_stats: { io_service_bytes_recursive: null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpu,
    precpu_stats: prev?.cpu_stats ?? { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, system_cpu_usage: 0, online_cpus: cpu.online_cpus, throttling_data: cpu.throttling_data },
    memory_stats: running ? { usage, limit: Math.min(limit || os.totalmem(), os.totalmem()), stats: memStat, max_usage: have ? readNum(cg('memory', 'memory.max_usage_in_bytes')) : 0 } : {},
    name: rec.Name,
    id: rec.Id,
  };
}
