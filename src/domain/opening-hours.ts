// Opening hours and dated closures: is the library open now, and when does it close?
import type { Policy } from '../config/schema';
import { addDays, formatHhmm, localTime, parseHhmm, weekdayOf, zonedTime } from './local-time';

/** An opening period of one day, in minutes since local midnight. */
export interface Period {
  open: number;
  close: number;
}

export interface OpenStatus {
  open: boolean;
  /** When the current opening ends (epoch ms); undefined when open without end in the next week. */
  closesAt?: number;
  /** Today's periods as HH:MM strings, for the "library closed" page. */
  todayHours: { open: string; close: string }[];
  /** Set when today is a dated closure with a reason; `closureTranslations` has it in other languages. */
  closureReason?: string;
  closureTranslations?: Readonly<Record<string, string>>;
  /** Next opening (epoch ms), when closed and one is known within a week. */
  nextOpenAt?: number;
}

type Hours = Pick<Policy, 'openingHours' | 'closures'>;

/** The periods a zone is open on a local date (empty on a closure day). */
export function periodsOn(policy: Hours, date: string): Period[] {
  if (policy.closures.some((c) => c.date === date)) return [];
  if (policy.openingHours === null) return [{ open: 0, close: 1440 }];
  const day = policy.openingHours[weekdayOf(date)] ?? [];
  return day.map((p) => ({ open: parseHhmm(p.open), close: parseHhmm(p.close) })).sort((a, b) => a.open - b.open);
}

/** Whether the zone is open at `now`, and until when. */
export function openStatus(policy: Hours, now: number, tz: string): OpenStatus {
  const lt = localTime(now, tz);
  const today = periodsOn(policy, lt.date);
  const closure = policy.closures.find((c) => c.date === lt.date);
  const status: OpenStatus = {
    open: false,
    todayHours: today.map((p) => ({ open: formatHhmm(p.open), close: formatHhmm(p.close) })),
    ...(closure?.reason ? { closureReason: closure.reason } : {}),
    ...(closure?.translations ? { closureTranslations: closure.translations } : {}),
  };
  const current = today.find((p) => p.open <= lt.minutes && lt.minutes < p.close);
  if (!current) {
    status.nextOpenAt = findNextOpen(policy, lt.date, lt.minutes, tz);
    return status;
  }
  status.open = true;
  // Follow a period that runs to midnight into the next day's period that starts at 00:00.
  let date = lt.date;
  let end = current.close;
  for (let i = 0; i < 8 && end === 1440; i++) {
    const next = addDays(date, 1);
    const first = periodsOn(policy, next)[0];
    if (!first || first.open !== 0) break;
    date = next;
    end = first.close;
  }
  if (end === 1440 && policy.openingHours === null && !policy.closures.length) return status;
  status.closesAt = zonedTime(date, end, tz);
  return status;
}

function findNextOpen(policy: Hours, date: string, minutes: number, tz: string): number | undefined {
  for (let i = 0; i < 8; i++) {
    const d = addDays(date, i);
    const p = periodsOn(policy, d).find((x) => i > 0 || x.open > minutes);
    if (p) return zonedTime(d, p.open, tz);
  }
  return undefined;
}
