// Words and numbers for the fleet pages: state and flag labels, sizes, durations, times.
import { formatHhmm, localTime } from '../domain/local-time';
import type { FleetState, HealthFlag } from '../workstations/fleet-view';
import type { CommandKind, FailureReason } from '../workstations/protocol';

export const STATE_LABELS: Record<FleetState, string> = {
  'in-use': 'In use',
  free: 'Free',
  locked: 'Locked',
  'out-of-order': 'Out of order',
  offline: 'Offline',
};

export const FLAG_LABELS: Record<HealthFlag, string> = {
  'low-disk': 'Low disk space',
  'high-load': 'High load',
  'failed-wipe': 'Last wipe failed',
  'old-agent': 'Old agent version',
};

export const COMMAND_LABELS: Record<CommandKind, string> = {
  lock: 'Lock the screen',
  'end-session': 'End the session (log out and wipe)',
  restart: 'Restart',
  shutdown: 'Shut down',
  message: 'Show a message',
  'out-of-order': 'Mark out of order',
  'in-service': 'Unlock and back in service',
};

export const FAILURE_LABELS: Record<FailureReason, string> = {
  'no-hook': 'not set up on this machine',
  'exit-code': 'the script reported an error',
  timeout: 'the script took too long',
  'spawn-failed': 'the script could not be started',
  unsupported: 'not supported on this machine',
};

/** Formatting in the library's time zone, as the views need it. */
export function fleetFormat(timezone: string, now: number) {
  const time = (ms: number) => {
    // A stored value that is no date (an old agent's clock gone wrong) shows as a dash, not a 500.
    if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return '—';
    const lt = localTime(ms, timezone);
    const today = localTime(now, timezone).date === lt.date;
    return today ? formatHhmm(lt.minutes) : `${lt.date} ${formatHhmm(lt.minutes)}`;
  };
  return {
    time,
    /** "14:02 (3 min ago)", or "never". */
    seen: (ms: number | undefined) => (ms === undefined ? 'never' : `${time(ms)} (${ago(now - ms)})`),
    bytes,
    percent: (n: number | null | undefined) => (n === null || n === undefined ? '—' : `${Math.round(n)} %`),
    share: (used: number, total: number) => (total > 0 ? `${Math.round((100 * used) / total)} %` : '—'),
    duration,
  };
}

export function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return 'just now';
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/** "12.3 GB" (decimal units, as disks are sold). */
export function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** "3 d 4 h", "2 h 5 min", "12 min". */
export function duration(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const h = Math.floor(m / 60);
  const d = Math.floor(h / 24);
  if (d > 0) return `${d} d ${h % 24} h`;
  if (h > 0) return `${h} h ${m % 60} min`;
  return `${m} min`;
}
