// Wall-clock time in the library's time zone: local dates, weekdays and midnights.
import type { Weekday } from '../config/schema';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(tz, f);
  }
  return f;
}

/** A moment as the library's wall clock shows it. */
export interface LocalTime {
  /** Local date, YYYY-MM-DD. */
  date: string;
  weekday: Weekday;
  /** Minutes since local midnight, 0..1439. */
  minutes: number;
  seconds: number;
}

/**
 * Recent answers by zone and whole second (the formatter's resolution, so a cached answer is
 * exact). formatToParts costs tens of microseconds and a login asks for the same few moments
 * a dozen times (CSRF day, pseudonym day, opening hours, midnight).
 */
const recent = new Map<string, LocalTime>();
const RECENT_MAX = 256;

export function localTime(ms: number, tz: string): LocalTime {
  const key = `${tz}|${Math.floor(ms / 1000)}`;
  const hit = recent.get(key);
  if (hit) return { ...hit };
  const parts: Record<string, string> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) parts[p.type] = p.value;
  const lt: LocalTime = {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    weekday: (parts.weekday ?? 'Mon').toLowerCase().slice(0, 3) as Weekday,
    minutes: Number(parts.hour) * 60 + Number(parts.minute),
    seconds: Number(parts.second),
  };
  if (recent.size >= RECENT_MAX) recent.clear();
  recent.set(key, lt);
  return { ...lt };
}

/** The local date (YYYY-MM-DD) of a moment. */
export function localDate(ms: number, tz: string): string {
  return localTime(ms, tz).date;
}

function offsetAt(ms: number, tz: string): number {
  const lt = localTime(ms, tz);
  const [y, m, d] = lt.date.split('-').map(Number) as [number, number, number];
  const asUtc = Date.UTC(y, m - 1, d, 0, lt.minutes, lt.seconds);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The epoch milliseconds of a local wall time. `minutes` may be 1440 (the next midnight).
 * In a DST gap the time is moved forward; in an overlap the earlier moment is chosen.
 */
export function zonedTime(date: string, minutes: number, tz: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const guess = Date.UTC(y, m - 1, d, 0, minutes);
  // The offsets a day either side: any change of offset near this wall time lies between them.
  const before = guess - offsetAt(guess - 86_400_000, tz);
  const after = guess - offsetAt(guess + 86_400_000, tz);
  const wall = localTime(guess, 'UTC');
  const shows = (t: number) => {
    const lt = localTime(t, tz);
    return lt.date === wall.date && lt.minutes === wall.minutes;
  };
  const fits = [before, after].filter(shows);
  // Both fit in an overlap (the earlier is taken); neither in a gap, where the offset before the
  // change moves the time forward by the gap (02:30 on a spring-forward night is 03:30).
  return fits.length ? Math.min(...fits) : before;
}

/** Adds whole days to a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The weekday of a YYYY-MM-DD date. */
export function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return (['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const)[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]!;
}

/** The next local midnight after `ms`, as epoch milliseconds. */
export function nextMidnight(ms: number, tz: string): number {
  return zonedTime(addDays(localDate(ms, tz), 1), 0, tz);
}

export function parseHhmm(s: string): number {
  const [h, m] = s.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

export function formatHhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
