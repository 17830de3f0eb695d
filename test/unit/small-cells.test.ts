// The small-cell rule: no published figure describes fewer than k sessions, and no total minus
// the figures shown gives a withheld figure back.
import { configSchema } from '../../src/config/schema';
import { ManualClock } from '../../src/domain/clock';
import { emptyCounts, STAT_COUNTERS, type HourlyStats, type StatCounter, type Store } from '../../src/store/types';
import { publishRow, publishedLiveCount } from '../../src/staff/small-cells';
import { reportCsv, StatsService, type Period, type Totals } from '../../src/staff/stats-service';

const K = 5;
const ZONES = [
  { id: 'wifi', name: 'Wi-Fi', subnets: ['10.10.0.0/16'] },
  { id: 'kiosks', name: 'Kiosks', subnets: ['10.20.0.0/16'], kind: 'kiosk' },
];

function row(hourIso: string, zoneId: string, counts: Partial<Record<StatCounter, number>>, peak = 0): HourlyStats {
  return { zoneId, hour: Date.parse(hourIso), counts: { ...emptyCounts(), ...counts }, peakConcurrent: peak };
}

/** A quiet kiosk hour among busy Wi-Fi hours, over two days in two months. */
const ROWS = [
  row('2026-11-30T09:00:00Z', 'wifi', { sessionsStarted: 12, sessionsEnded: 9, minutesUsed: 400, passesRedeemed: 6 }, 8),
  row('2026-11-30T10:00:00Z', 'wifi', { sessionsStarted: 7, sessionsEnded: 2, minutesUsed: 95, passesRedeemed: 2, refusedAllowance: 1 }, 6),
  row('2026-11-30T10:00:00Z', 'kiosks', { sessionsStarted: 1, sessionsEnded: 1, minutesUsed: 28, kioskUses: 1 }, 1),
  row('2026-11-30T11:00:00Z', 'kiosks', { sessionsStarted: 6, sessionsEnded: 6, minutesUsed: 180, kioskUses: 6 }, 4),
  row('2026-12-01T09:00:00Z', 'wifi', { sessionsStarted: 3, sessionsEnded: 3, minutesUsed: 60, learnViews: 40 }, 3),
  row('2026-12-01T10:00:00Z', 'wifi', { sessionsStarted: 20, sessionsEnded: 18, minutesUsed: 900 }, 14),
];

function service(): StatsService {
  const config = configSchema.parse({ timezone: 'UTC', zones: ZONES, minCellSessions: K });
  const store = { readStats: async (from: number, to: number, zone?: string) => ROWS.filter((r) => r.hour >= from && r.hour < to && (!zone || r.zoneId === zone)) } as unknown as Store;
  return new StatsService({ config, store, clock: new ManualClock(Date.parse('2026-12-01T12:00:00Z')) });
}

const PERIODS: Period[] = [
  { kind: 'day', value: '2026-11-30' },
  { kind: 'day', value: '2026-12-01' },
  { kind: 'month', value: '2026-11' },
  { kind: 'month', value: '2026-12' },
  { kind: 'year', value: '2026' },
];

describe('the small-cell rule', () => {
  it('when a cell describes fewer than k sessions, then its figures are withheld; zero and k or more are published', () => {
    const quiet = publishRow(ROWS[2]!, K);
    expect(quiet.counts).toEqual(emptyCounts());
    expect(quiet.withheld.sort()).toEqual(['kioskUses', 'minutesUsed', 'peak', 'sessionsEnded', 'sessionsStarted'].sort());
    // Minutes of 2 ended sessions are withheld even where 7 started; the refusal of one patron too.
    const busy = publishRow(ROWS[1]!, K);
    expect(busy.counts).toMatchObject({ sessionsStarted: 7, minutesUsed: 0, sessionsEnded: 0, passesRedeemed: 0, refusedAllowance: 0 });
    expect(busy.peakConcurrent).toBe(6);
    expect(publishRow(ROWS[0]!, K).withheld).toEqual([]);
  });

  it('when live counts are published, then they are rounded down to a multiple of k', () => {
    expect([0, 1, 4, 5, 9, 10, 12].map((n) => publishedLiveCount(n, K))).toEqual([0, 0, 0, 5, 5, 10, 10]);
  });

  it('when any period, zone or the CSV is read, then no figure is between 1 and k-1, and every total is the sum of the cells it covers', async () => {
    const svc = service();
    const all: Totals[] = [];
    for (const p of PERIODS) {
      for (const zone of [undefined, 'wifi', 'kiosks']) {
        const r = await svc.report(p, zone);
        all.push(r.total, ...r.buckets, ...r.perZone.flatMap((z) => [z.total, ...z.buckets]));
        // Totals are sums of the buckets and of the zones shown: subtracting gives back only published figures.
        for (const c of STAT_COUNTERS) {
          expect(r.buckets.reduce((n, b) => n + b.counts[c], 0)).toBe(r.total.counts[c]);
          expect(r.perZone.reduce((n, z) => n + z.total.counts[c], 0)).toBe(r.total.counts[c]);
        }
        if (r.survey) {
          const sessions = r.perZone.map((z) => z.total.counts.sessionsStarted);
          expect(r.survey.wifiSessions + r.survey.publicComputerUses).toBe(sessions.reduce((a, b) => a + b, 0));
        }
        for (const line of reportCsv(r, K).trim().split('\r\n').slice(1)) {
          for (const cell of line.split(',').slice(2, -1)) expect(cell === 'fewer than 5' || Number(cell) === 0 || Number(cell) >= K).toBe(true);
        }
      }
    }
    for (const t of all) {
      // Sums of published cells: each at least k, so any sum that is not 0 is at least k.
      for (const c of ['sessionsStarted', 'sessionsEnded', 'passesRedeemed', 'kioskUses'] as const) expect(t.counts[c] === 0 || t.counts[c] >= K).toBe(true);
      expect(t.peak === 0 || t.peak >= K).toBe(true);
    }
    // The month and the year agree with the days: the same published cells, summed.
    const [d30, d01, nov, dec, year] = await Promise.all(PERIODS.map((p) => svc.report(p)));
    expect(nov!.total.counts.sessionsStarted).toBe(d30!.total.counts.sessionsStarted);
    expect(year!.total.counts.sessionsStarted).toBe(d30!.total.counts.sessionsStarted + d01!.total.counts.sessionsStarted);
    expect(dec!.total.counts.sessionsStarted).toBe(20);
    expect(year!.survey).toEqual({ wifiSessions: 39, publicComputerUses: 6, patronHours: Math.round((400 + 180 + 900) / 60), passesRedeemed: 6 });
  });

  it('when the quiet kiosk hour is exported, then the CSV says "fewer than 5", not one person and their minutes', async () => {
    const csv = reportCsv(await service().report({ kind: 'day', value: '2026-11-30' }), K);
    const line = csv.split('\r\n').find((l) => l.startsWith('2026-11-30 10:00,kiosks'))!;
    expect(line).toBe('2026-11-30 10:00,kiosks,fewer than 5,fewer than 5,0,0,0,fewer than 5,0,fewer than 5,0,0,0,0,0,0,0,fewer than 5,1');
    expect(csv).not.toMatch(/,1,28,/);
  });
});

describe('minCellSessions', () => {
  it('when it is set below 2 or is not a whole number, then the config is refused', () => {
    expect(configSchema.parse({}).minCellSessions).toBe(5);
    for (const bad of [1, 0, 2.5, '5']) expect(configSchema.safeParse({ minCellSessions: bad }).success).toBe(false);
  });
});
