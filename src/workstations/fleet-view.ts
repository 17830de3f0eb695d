// The fleet view's rules: a workstation's state and health flags, from its record and the clock.
import type { WorkstationRecord } from '../store/types';

export const FLEET_STATES = ['in-use', 'free', 'locked', 'out-of-order', 'offline'] as const;
export type FleetState = (typeof FLEET_STATES)[number];

export const HEALTH_FLAGS = ['low-disk', 'high-load', 'failed-wipe', 'old-agent'] as const;
export type HealthFlag = (typeof HEALTH_FLAGS)[number];

/** A workstation is offline after this many heartbeat intervals without one. */
export const OFFLINE_AFTER_INTERVALS = 3;
/** The interval assumed before a workstation has said what its own is. */
export const DEFAULT_INTERVAL_SECONDS = 60;
/** Free space on the system disk is low under this fraction of the disk, or under LOW_DISK_BYTES. */
export const LOW_DISK_FRACTION = 0.1;
export const LOW_DISK_BYTES = 2 * 1024 ** 3;
/** CPU load at or above this, or memory in use at or above HIGH_MEMORY_PERCENT, is high. */
export const HIGH_LOAD_PERCENT = 90;
export const HIGH_MEMORY_PERCENT = 95;

export interface FleetEntry {
  workstation: WorkstationRecord;
  state: FleetState;
  flags: HealthFlag[];
}

/**
 * What staff see for a workstation. Out of order wins over everything (a machine staff took out
 * of service may well be switched off); then offline, locked, in use and free.
 */
export function fleetState(ws: WorkstationRecord, now: number): FleetState {
  if (ws.mode === 'out-of-order') return 'out-of-order';
  if (isOffline(ws, now)) return 'offline';
  if (ws.mode === 'locked') return 'locked';
  return ws.inUse ? 'in-use' : 'free';
}

/** No heartbeat for three of its intervals (or never one at all). */
export function isOffline(ws: WorkstationRecord, now: number): boolean {
  if (ws.lastSeenAt === undefined) return true;
  const interval = ws.health?.intervalSeconds ?? DEFAULT_INTERVAL_SECONDS;
  return now - ws.lastSeenAt > OFFLINE_AFTER_INTERVALS * interval * 1000;
}

/** Health problems worth a look, from the latest report and the last wipe. */
export function healthFlags(ws: WorkstationRecord, currentVersion: string): HealthFlag[] {
  const flags: HealthFlag[] = [];
  const h = ws.health;
  const disk = h?.systemDisk;
  if (disk && disk.totalBytes > 0 && (disk.freeBytes < disk.totalBytes * LOW_DISK_FRACTION || disk.freeBytes < LOW_DISK_BYTES)) {
    flags.push('low-disk');
  }
  const memPercent = h?.memory && h.memory.totalBytes > 0 ? (100 * h.memory.usedBytes) / h.memory.totalBytes : 0;
  if ((h?.cpuLoadPercent ?? 0) >= HIGH_LOAD_PERCENT || memPercent >= HIGH_MEMORY_PERCENT) flags.push('high-load');
  if (ws.lastWipe && !ws.lastWipe.ok) flags.push('failed-wipe');
  if (h && compareVersions(h.agentVersion, currentVersion) < 0) flags.push('old-agent');
  return flags;
}

export function fleetEntry(ws: WorkstationRecord, now: number, currentVersion: string): FleetEntry {
  return { workstation: ws, state: fleetState(ws, now), flags: healthFlags(ws, currentVersion) };
}

/** Compares the x.y.z part of two versions: negative when `a` is older. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => (/^(\d+)\.(\d+)\.(\d+)/.exec(v) ?? []).slice(1, 4).map(Number);
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
