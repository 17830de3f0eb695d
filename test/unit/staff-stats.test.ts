// Statistics buckets in the library's time zone, periods from URLs, the CSV, and the SVG chart.
import { configSchema } from '../../src/config/schema';
import { ManualClock } from '../../src/domain/clock';
import { emptyCounts, type HourlyStats, type Store } from '../../src/store/types';
import { parsePeriod, reportCsv, StatsService } from '../../src/staff/stats-service';
import { barChart, niceScale } from '../../src/staff/svg-chart';

function fakeStore(rows: HourlyStats[]): Store {
  return { readStats: async (from: number, to: number) => rows.filter((r) => r.hour >= from && r.hour < to) } as unknown as Store;
}

function row(hourIso: string, zoneId: string, sessionsStarted: number, peak = 0): HourlyStats {
  return { zoneId, hour: Date.parse(hourIso), counts: { ...emptyCounts(), sessionsStarted }, peakConcurrent: peak };
}

describe('statistics periods and buckets', () => {
  it('when URLs name periods, then only real days, months and years are accepted', () => {
    expect(parsePeriod('day', '2026-11-18')).toEqual({ kind: 'day', value: '2026-11-18' });
    expect(parsePeriod('month', '2026-02')).toEqual({ kind: 'month', value: '2026-02' });
    expect(parsePeriod('year', '2026')).toEqual({ kind: 'year', value: '2026' });
    for (const [k, v] of [['day', '2026-02-29'], ['day', '2026-13-01'], ['month', '2026-1'], ['year', '1999'], ['week', '2026-01'], ['day', '2026-11-18x']]) {
      expect(parsePeriod(k!, v!)).toBeUndefined();
    }
  });

  it('when rows are bucketed in Paris time, then an hour is placed by its local time and the day is the local day', async () => {
    const config = configSchema.parse({ timezone: 'Europe/Paris' });
    const store = fakeStore([
      row('2026-11-17T22:00:00Z', 'wifi', 50), // 23:00 on the 17th in Paris: not in the 18th
      row('2026-11-17T23:00:00Z', 'wifi', 10, 30), // 00:00 on the 18th
      row('2026-11-18T09:00:00Z', 'wifi', 20, 40), // 10:00
      row('2026-11-18T22:00:00Z', 'wifi', 70), // 23:00 on the 18th
    ]);
    const svc = new StatsService({ config, store, clock: new ManualClock(Date.parse('2026-11-18T12:00:00Z')) });
    const day = await svc.report({ kind: 'day', value: '2026-11-18' });
    expect(day.buckets).toHaveLength(24);
    expect(day.buckets.filter((b) => b.counts.sessionsStarted).map((b) => [b.key, b.counts.sessionsStarted])).toEqual([['00', 10], ['10', 20], ['23', 70]]);
    expect(day.total.counts.sessionsStarted).toBe(100);
    expect(day.total.peak).toBe(40);
    expect(day.previous.value).toBe('2026-11-17');
    expect(day.next.value).toBe('2026-11-19');
    const month = await svc.report({ kind: 'month', value: '2026-11' });
    expect(month.buckets).toHaveLength(30);
    expect(month.buckets.find((b) => b.key === '2026-11-17')!.counts.sessionsStarted).toBe(50);
    expect(month.previous.value).toBe('2026-10');
    expect((await svc.report({ kind: 'month', value: '2026-12' })).next.value).toBe('2027-01');
    expect(svc.current('year')).toEqual({ kind: 'year', value: '2026' });
  });

  it('when two zones peak in the same hour, then the total peak adds them; in different hours it takes the higher', async () => {
    const config = configSchema.parse({ timezone: 'UTC', zones: [{ id: 'a', name: 'A', subnets: ['10.0.0.0/8'] }, { id: 'b', name: 'B', subnets: ['11.0.0.0/8'], kind: 'kiosk' }] });
    const svc = new StatsService({ config, store: fakeStore([row('2026-11-18T10:00:00Z', 'a', 10, 30), row('2026-11-18T10:00:00Z', 'b', 10, 20), row('2026-11-18T11:00:00Z', 'a', 10, 40)]), clock: new ManualClock(0) });
    const year = await svc.report({ kind: 'year', value: '2026' });
    expect(year.total.peak).toBe(50);
    expect(year.survey).toEqual({ wifiSessions: 20, publicComputerUses: 10, patronHours: 0, passesRedeemed: 0 });
    const csv = reportCsv(year, 5).trim().split('\r\n');
    expect(csv).toHaveLength(1 + 12 * 2);
    expect(csv).toContain('2026-11,a,20,0,0,0,0,0,0,0,0,0,0,0,0,0,0,40,0');
  });
});

describe('SVG bar chart', () => {
  it('when values are drawn, then the chart has a title, a bar per non-zero value, classes for colour and no style', () => {
    const svg = barChart({ id: 'x', title: 'Sessions <by> hour', labels: ['a', 'b', 'c'], values: [3, 0, 7] });
    expect(svg).toMatch(/^<svg class="chart" viewBox="0 0 720 240"[^>]*role="img" aria-labelledby="chart-x-title"/);
    expect(svg).toContain('<title id="chart-x-title">Sessions &lt;by&gt; hour</title>');
    expect(svg.match(/class="chart-bar"/g)).toHaveLength(2);
    expect(svg).not.toMatch(/style|fill="#/);
  });

  it('when the axis is scaled, then it ends on a round number with whole steps', () => {
    expect(niceScale(0)).toEqual({ top: 4, step: 1 });
    expect(niceScale(7)).toEqual({ top: 8, step: 2 });
    expect(niceScale(93)).toEqual({ top: 100, step: 50 });
    expect(niceScale(0.4)).toEqual({ top: 1, step: 1 });
  });
});
