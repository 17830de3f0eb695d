// Words and numbers for the fleet pages: state, flag, command and failure labels, sizes,
// durations and times, in the staff member's language (staff catalogue, en/fleet.ts).
import { formatHhmm, localTime } from '../domain/local-time';
import type { StaffKey, StaffTranslate } from '../i18n/staff/translate';
import { FLEET_STATES, HEALTH_FLAGS, type FleetState, type HealthFlag } from '../workstations/fleet-view';
import { COMMAND_KINDS, FAILURE_REASONS, type CommandKind, type FailureReason } from '../workstations/protocol';

/** The labels the fleet views show, each in `t`'s language. */
export function fleetLabels(t: StaffTranslate) {
  const label = <K extends string>(kind: string, keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, t(`fleet.${kind}.${k}` as StaffKey)])) as Record<K, string>;
  return {
    state: label<FleetState>('state', FLEET_STATES),
    flag: label<HealthFlag>('flag', HEALTH_FLAGS),
    command: label<CommandKind>('command', COMMAND_KINDS),
    failure: label<FailureReason>('failure', FAILURE_REASONS),
  };
}

/** Formatting in the library's time zone and the staff member's language, as the views need it. */
export function fleetFormat(timezone: string, now: number, t: StaffTranslate) {
  const time = (ms: number) => {
    // A stored value that is no date (an old agent's clock gone wrong) shows as a dash, not a 500.
    if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return '—';
    const lt = localTime(ms, timezone);
    const today = localTime(now, timezone).date === lt.date;
    return today ? formatHhmm(lt.minutes) : `${lt.date} ${formatHhmm(lt.minutes)}`;
  };
  const oneDecimal = new Intl.NumberFormat(t.lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const whole = new Intl.NumberFormat(t.lang, { maximumFractionDigits: 0 });
  /** "12.3 GB" (decimal units, as disks are sold). */
  const bytes = (n: number): string => {
    const units = ['B', 'kB', 'MB', 'GB', 'TB'] as const;
    let v = n;
    let i = 0;
    while (v >= 1000 && i < units.length - 1) {
      v /= 1000;
      i++;
    }
    return t(`unit.${units[i]!}`, { n: v >= 100 || i === 0 ? whole.format(v) : oneDecimal.format(v) });
  };
  const ago = (ms: number): string => {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return t('fmt.justNow');
    if (s < 3600) return t('fmt.minAgo', { n: Math.floor(s / 60) });
    if (s < 86_400) return t('fmt.hAgo', { n: Math.floor(s / 3600) });
    return t('fmt.dAgo', { n: Math.floor(s / 86_400) });
  };
  /** "3 d 4 h", "2 h 5 min", "12 min". */
  const duration = (seconds: number): string => {
    const m = Math.floor(seconds / 60);
    const h = Math.floor(m / 60);
    const d = Math.floor(h / 24);
    if (d > 0) return t('fmt.dh', { d, h: h % 24 });
    if (h > 0) return t('fmt.hm', { h, m: m % 60 });
    return t('fmt.m', { m });
  };
  const percent = (n: number) => t('fmt.percent', { n: Math.round(n) });
  return {
    time,
    /** "14:02 (3 min ago)", or "never". */
    seen: (ms: number | undefined) => (ms === undefined ? t('fmt.never') : t('fmt.seen', { time: time(ms), ago: ago(now - ms) })),
    bytes,
    percent: (n: number | null | undefined) => (n === null || n === undefined ? '—' : percent(n)),
    share: (used: number, total: number) => (total > 0 ? percent((100 * used) / total) : '—'),
    /** "25 % of 8.0 GB". */
    of: (part: string, whole: string) => t('fmt.of', { part, whole }),
    duration,
  };
}
