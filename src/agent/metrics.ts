// What the agent measures, and nothing else: the health report is built field by field from the
// allowlist schema. systeminformation gives far more (host names, addresses, users, processes);
// only the few numbers and labels below are ever read out of its answers.
import os from 'node:os';
import { healthReportSchema, OS_FAMILIES, type HealthReport } from '../workstations/protocol';

/** The part of the systeminformation API the agent calls; the real module fits it, tests give a fake. */
export interface SystemInfoSource {
  currentLoad(): Promise<{ currentLoad: number }>;
  mem(): Promise<{ total: number; available: number }>;
  fsSize(): Promise<{ mount: string; size: number; available: number }[]>;
  time(): { uptime: number };
  osInfo(): Promise<{ platform: string; distro: string; release: string }>;
  /** The default network interface's state. */
  networkStats(): Promise<{ operstate: string }[]>;
}

/** What the agent adds to the measurements. */
export interface ReportContext {
  at: number;
  agentVersion: string;
  intervalSeconds: number;
  droppedReports: number;
  portalReachable: boolean;
}

/** Measures the machine. A metric that cannot be read this time is null; nothing here throws. */
export class Metrics {
  private os: Promise<HealthReport['os']> | undefined;

  /** `systemDrive` picks the system disk on Windows (%SystemDrive%, such as C:). */
  constructor(
    private readonly si: SystemInfoSource,
    private readonly systemDrive: string | undefined = process.env.SystemDrive,
  ) {}

  async report(ctx: ReportContext): Promise<HealthReport> {
    const [cpu, mem, disk, os, up] = await Promise.all([
      attempt(async () => clampPercent((await this.si.currentLoad()).currentLoad)),
      attempt(async () => {
        const m = await this.si.mem();
        return { usedBytes: whole(m.total - m.available), totalBytes: whole(m.total) };
      }),
      attempt(async () => this.systemDisk()),
      this.osInfo(),
      attempt(async () => (await this.si.networkStats()).some((i) => i.operstate === 'up')),
    ]);
    // The schema is strict: if anything but these fields were here, parse would throw.
    return healthReportSchema.parse({
      at: ctx.at,
      agentVersion: ctx.agentVersion,
      os,
      cpuLoadPercent: cpu,
      memory: mem,
      systemDisk: disk,
      uptimeSeconds: (() => {
        try {
          return whole(this.si.time().uptime);
        } catch {
          return null;
        }
      })(),
      networkUp: up ?? false,
      portalReachable: ctx.portalReachable,
      intervalSeconds: Math.min(86_400, Math.max(1, Math.round(ctx.intervalSeconds))),
      droppedReports: ctx.droppedReports,
    } satisfies HealthReport);
  }

  private async systemDisk(): Promise<NonNullable<HealthReport['systemDisk']>> {
    const all = await this.si.fsSize();
    const drive = this.systemDrive?.toUpperCase();
    const disk = all.find((f) => f.mount === '/') ?? all.find((f) => drive !== undefined && f.mount.toUpperCase() === drive) ?? all[0];
    if (!disk) throw new Error('no file system found');
    return { freeBytes: whole(disk.available), totalBytes: whole(disk.size) };
  }

  /** The OS's family, name and version, read once: they do not change while the agent runs. */
  private osInfo(): Promise<HealthReport['os']> {
    this.os ??= (async () => {
      try {
        const o = await this.si.osInfo();
        return { family: osFamily(o.platform), distro: label(o.distro), release: label(o.release) };
      } catch {
        this.os = undefined; // try again next time
        return { family: osFamily(process.platform), distro: '', release: '' };
      }
    })();
    return this.os;
  }
}

export function osFamily(platform: string): (typeof OS_FAMILIES)[number] {
  const p = platform.toLowerCase();
  if (p === 'linux') return 'linux';
  if (p === 'win32' || p.startsWith('windows')) return 'windows';
  if (p === 'darwin' || p === 'macos') return 'macos';
  if (p.includes('bsd')) return 'bsd';
  return 'other';
}

/** An OS label cut to what the schema accepts: other characters become spaces. */
function label(s: string): string {
  return s.replace(/[^\p{L}\p{N} ._()+,/-]/gu, ' ').replace(/\s+/g, ' ').trim().slice(0, 64);
}

function whole(n: number): number {
  if (!Number.isFinite(n)) throw new RangeError('not a number');
  return Math.max(0, Math.round(n));
}

function clampPercent(n: number): number {
  if (!Number.isFinite(n)) throw new RangeError('not a number');
  return Math.min(100, Math.max(0, Math.round(n * 10) / 10));
}

async function attempt<T>(fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch {
    return null;
  }
}

/**
 * The real systeminformation module, behind the small interface above. Two choices keep a
 * report cheap (see bench/agent-footprint.js): the network state comes from networkStats (the
 * default interface; networkInterfaces shells out for every interface, ~60 ms of CPU), and
 * uptime from os.uptime(), which is what si.time() returns after running `date` every call.
 */
export function systemInformation(): SystemInfoSource {
  const si = require('systeminformation') as typeof import('systeminformation');
  return {
    currentLoad: () => si.currentLoad(),
    mem: () => si.mem(),
    fsSize: () => si.fsSize(),
    time: () => ({ uptime: os.uptime() }),
    osInfo: () => si.osInfo(),
    networkStats: () => si.networkStats(),
  };
}
