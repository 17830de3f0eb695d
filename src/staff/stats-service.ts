// Statistics for staff: the hourly aggregate counters summed into a day (by hour), a month (by
// day) or a year (by month), per zone and in total, with the yearly figures annual surveys ask
// for. Only aggregates go in and out: there is no identifier or per-session row to show.
import type { Config, Zone } from '../config/schema';
// Every figure here is made from published cells only: see small-cells.ts for the rule.
import type { Clock } from '../domain/clock';
import { addDays, localDate, localTime, zonedTime } from '../domain/local-time';
import { STAT_COUNTERS, emptyCounts, type StatCounter, type Store } from '../store/types';
import { publishRow, type PublishedRow } from './small-cells';

export type PeriodKind = 'day' | 'month' | 'year';

export interface Period {
  kind: PeriodKind;
  /** YYYY-MM-DD, YYYY-MM or YYYY. */
  value: string;
}

/** Counters summed over the published hour-and-zone cells, and the highest number of sessions at once. */
export interface Totals {
  counts: Record<StatCounter, number>;
  peak: number;
  /** How many hour-and-zone cells had this figure withheld (fewer than k): left out of the sums. */
  withheld: Partial<Record<StatCounter | 'peak', number>>;
  /** How many hour-and-zone cells had any figure withheld. */
  cellsWithheld: number;
}

export interface Bucket extends Totals {
  /** The bucket's key in the period: "07" (hour), "2026-11-18" (day), "2026-11" (month). */
  key: string;
  /** A short label for charts: "07", "18", "Nov". */
  label: string;
}

export interface StatsReport {
  period: Period;
  zoneId?: string;
  buckets: Bucket[];
  total: Totals;
  perZone: { zone: Zone; total: Totals; buckets: Bucket[] }[];
  /** Year view: what annual library surveys ask for. */
  survey?: { wifiSessions: number; publicComputerUses: number; patronHours: number; passesRedeemed: number };
  previous: Period;
  next: Period;
}

export const COUNTER_LABELS: Record<string, string> = {
  sessionsStarted: 'Sessions started',
  minutesUsed: 'Minutes used',
  passesRedeemed: 'Passes redeemed',
  refusedAllowance: 'Refused: daily time used up',
  refusedClosed: 'Refused: library closed',
  kioskUses: 'Kiosk uses',
  learnViews: 'Learning pages viewed',
  sessionsEnded: 'Sessions ended',
  queueIssued: 'Queue tickets issued',
  queueServed: 'Queue tickets served',
  queueAbandoned: 'Queue tickets abandoned',
  queueWaitUnder5: 'Served after under 5 min',
  queueWait5to15: 'Served after 5-15 min',
  queueWait15to30: 'Served after 15-30 min',
  queueWait30Plus: 'Served after 30 min or more',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const PATTERNS: Record<PeriodKind, RegExp> = {
  day: /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/,
  month: /^\d{4}-(0[1-9]|1[0-2])$/,
  year: /^\d{4}$/,
};

/** A period from a URL segment, or undefined when it is not one (or not a real date). */
export function parsePeriod(kind: string, value: string): Period | undefined {
  if (kind !== 'day' && kind !== 'month' && kind !== 'year') return undefined;
  if (!PATTERNS[kind].test(value)) return undefined;
  const year = Number(value.slice(0, 4));
  if (year < 2000 || year > 2999) return undefined;
  if (kind === 'day' && addDays(value, 0) !== value) return undefined;
  return { kind, value };
}

/** The first day of a period and the first day after it (YYYY-MM-DD). */
function dayRange(p: Period): { first: string; after: string } {
  if (p.kind === 'day') return { first: p.value, after: addDays(p.value, 1) };
  if (p.kind === 'month') {
    const [y, m] = p.value.split('-').map(Number) as [number, number];
    return { first: `${p.value}-01`, after: m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01` };
  }
  return { first: `${p.value}-01-01`, after: `${Number(p.value) + 1}-01-01` };
}

function shift(p: Period, by: 1 | -1): Period {
  const { first, after } = dayRange(p);
  if (p.kind === 'day') return { kind: 'day', value: addDays(p.value, by) };
  if (p.kind === 'year') return { kind: 'year', value: String(Number(p.value) + by) };
  return { kind: 'month', value: (by === 1 ? after : addDays(first, -1)).slice(0, 7) };
}

function emptyTotals(): Totals {
  return { counts: emptyCounts(), peak: 0, withheld: {}, cellsWithheld: 0 };
}

/** Adds published hourly rows into totals; the peak of rows of one hour in different zones adds up. */
function sum(rows: PublishedRow[]): Totals {
  const t = emptyTotals();
  const peakByHour = new Map<number, number>();
  for (const r of rows) {
    for (const c of STAT_COUNTERS) t.counts[c] += r.counts[c];
    for (const w of r.withheld) t.withheld[w] = (t.withheld[w] ?? 0) + 1;
    if (r.withheld.length) t.cellsWithheld += 1;
    peakByHour.set(r.hour, (peakByHour.get(r.hour) ?? 0) + r.peakConcurrent);
  }
  t.peak = Math.max(0, ...peakByHour.values());
  return t;
}

export class StatsService {
  constructor(private readonly d: { config: Config; store: Store; clock: Clock }) {}

  /** k: the fewest sessions a published figure may describe. */
  get k(): number {
    return this.d.config.minCellSessions;
  }

  /** Hourly rows with their small cells withheld: the only rows any figure is made from. */
  async publishedRows(from: number, to: number, zoneId?: string): Promise<PublishedRow[]> {
    return (await this.d.store.readStats(from, to, zoneId)).map((r) => publishRow(r, this.k));
  }

  private get tz(): string {
    return this.d.config.timezone;
  }

  /** Today, this month or this year in the library's time zone. */
  current(kind: PeriodKind): Period {
    const today = localDate(this.d.clock.now(), this.tz);
    return { kind, value: kind === 'day' ? today : kind === 'month' ? today.slice(0, 7) : today.slice(0, 4) };
  }

  /** The report for a period, for one zone or all. */
  async report(period: Period, zoneId?: string): Promise<StatsReport> {
    const { first, after } = dayRange(period);
    const rows = await this.publishedRows(zonedTime(first, 0, this.tz), zonedTime(after, 0, this.tz), zoneId);
    // The local-time lookup is the costly part: once per hour, shared by every zone.
    const keys = new Map<number, string>();
    const keyOf = (hour: number) => keys.get(hour) ?? keys.set(hour, this.bucketOf(period, hour)).get(hour)!;
    const zones = this.d.config.zones.filter((z) => zoneId === undefined || z.id === zoneId);
    const perZone = zones.map((zone) => {
      const mine = rows.filter((r) => r.zoneId === zone.id);
      return { zone, total: sum(mine), buckets: this.buckets(period, mine, keyOf) };
    });
    const buckets = this.buckets(period, rows, keyOf);
    const report: StatsReport = { period, zoneId, buckets, total: sum(rows), perZone, previous: shift(period, -1), next: shift(period, 1) };
    if (period.kind === 'year') {
      const of = (kind: Zone['kind']) => perZone.filter((z) => z.zone.kind === kind).reduce((n, z) => n + z.total.counts.sessionsStarted, 0);
      report.survey = {
        wifiSessions: of('wifi'),
        publicComputerUses: of('kiosk'),
        patronHours: Math.round(report.total.counts.minutesUsed / 60),
        passesRedeemed: report.total.counts.passesRedeemed,
      };
    }
    return report;
  }

  private buckets(period: Period, rows: PublishedRow[], keyOf: (hour: number) => string): Bucket[] {
    const byKey = new Map<string, PublishedRow[]>();
    for (const r of rows) {
      const key = keyOf(r.hour);
      const list = byKey.get(key);
      if (list) list.push(r);
      else byKey.set(key, [r]);
    }
    return this.bucketKeys(period).map(({ key, label }) => ({ key, label, ...sum(byKey.get(key) ?? []) }));
  }

  private bucketKeys(p: Period): { key: string; label: string }[] {
    if (p.kind === 'day') return Array.from({ length: 24 }, (_, h) => ({ key: String(h).padStart(2, '0'), label: String(h).padStart(2, '0') }));
    if (p.kind === 'year') return MONTHS.map((label, i) => ({ key: `${p.value}-${String(i + 1).padStart(2, '0')}`, label }));
    const { first, after } = dayRange(p);
    const out: { key: string; label: string }[] = [];
    for (let d = first; d < after; d = addDays(d, 1)) out.push({ key: d, label: String(Number(d.slice(8))) });
    return out;
  }

  /** Which bucket an hourly row (UTC hour start) falls in, by the library's local time. */
  private bucketOf(p: Period, hour: number): string {
    const lt = localTime(hour, this.tz);
    if (p.kind === 'day') return String(Math.floor(lt.minutes / 60)).padStart(2, '0');
    return p.kind === 'month' ? lt.date : lt.date.slice(0, 7);
  }
}

/**
 * A figure as shown: the sum of the published cells; "fewer than k" where nothing was published
 * and something was withheld. Where both, the sum stands (the withheld part is left out).
 */
export function shownFigure(t: Totals, c: StatCounter | 'peak', k: number): string {
  const value = c === 'peak' ? t.peak : t.counts[c];
  return value === 0 && t.withheld[c] ? `fewer than ${k}` : String(value);
}

/**
 * The report as CSV: one row per bucket and zone (aggregates only), then nothing else. The header
 * row is the stable machine-readable column names, or the same columns named in a language.
 */
export function reportCsv(report: StatsReport, k: number, translatedHeader?: readonly string[]): string {
  const header = translatedHeader ?? ['period', 'zone', ...STAT_COUNTERS.map(snake), 'peak_concurrent', 'cells_withheld'];
  const lines = [header.map(csvCell).join(',')];
  for (const z of report.perZone) {
    for (const b of z.buckets) {
      const period = report.period.kind === 'day' ? `${report.period.value} ${b.key}:00` : b.key;
      lines.push([period, z.zone.id, ...STAT_COUNTERS.map((c) => shownFigure(b, c, k)), shownFigure(b, 'peak', k), String(b.cellsWithheld)].map(csvCell).join(','));
    }
  }
  return lines.join('\r\n') + '\r\n';
}

function snake(s: string): string {
  return s.replace(/[A-Z]/g, (l) => `_${l.toLowerCase()}`);
}

/** Quotes a cell when needed, and defuses spreadsheet formulas. */
export function csvCell(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
