// Statistics pages and CSV: day, month and year, the survey totals, and the privacy property —
// no identifier and no per-session row in any page or export.
import { STAT_COUNTERS } from '../../src/store/types';
import { makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';

// k = 2 here, so that a few patrons make figures big enough to show (small-cells.test.ts tests k).
const ZONES = {
  minCellSessions: 2,
  zones: [
    { id: 'wifi', name: 'Wi-Fi', subnets: ['10.10.0.0/16'] },
    { id: 'kiosks', name: 'Kiosks', subnets: ['10.20.0.0/16'], kind: 'kiosk' },
  ],
};

const CLIENTS = [
  { ip: '10.10.0.5', mac: '02:00:00:00:00:05' },
  { ip: '10.10.0.6', mac: '02:00:00:00:00:06' },
  { ip: '10.10.0.7', mac: '02:00:00:00:00:07' },
  { ip: '10.20.0.5', mac: '02:00:00:00:20:05' },
];

/** Several sessions over two hours, some ended early, one still running. */
async function useThePortal(ctx: StaffContext): Promise<{ codes: string[]; pseudonyms: string[]; ids: string[] }> {
  const seen = { codes: [] as string[], pseudonyms: [] as string[], ids: [] as string[] };
  for (const [i, c] of CLIENTS.entries()) {
    const p = new Patron(ctx.app, c.ip, c.mac);
    await p.accept();
    const s = ctx.deps.sessions.lookup(c.ip)!;
    seen.codes.push(s.record.code);
    seen.pseudonyms.push((await ctx.deps.store.getSession(s.record.id))!.pseudonym);
    seen.ids.push(s.record.id);
    ctx.clock.advance(20 * 60_000);
    if (i % 2 === 0) await p.submit('/status', '/logout');
  }
  await ctx.deps.sessions.tick();
  return seen;
}

describe('statistics', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when patrons have used the portal, then the day page shows totals per zone, charts drawn as SVG and the figures by hour', async () => {
    ctx = await makeStaffApp({ config: ZONES });
    await useThePortal(ctx);
    const staff = await signedIn(ctx, 'sam', 'staff');
    const res = await staff.get('/staff/stats/day/2026-11-18');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Statistics: 2026-11-18');
    expect(res.text.match(/<svg class="chart"/g)).toHaveLength(3);
    expect(res.text).toContain('<title id="chart-sessions-title">Sessions started, by hour</title>');
    expect(res.text).toMatch(/<th scope="row">Wi-Fi<\/th><td class="num">3<\/td>/);
    // The kiosk zone had one session: withheld.
    expect(res.text).toMatch(/<th scope="row">Kiosks<\/th><td class="num">fewer than 2<\/td>/);
    expect(res.text).toMatch(/<tr><th scope="row">10<\/th><td class="num">3<\/td>/);
    expect(res.text).not.toMatch(/style=/);
    expect((await staff.get('/staff/stats')).headers.location).toBe('/staff/stats/day/2026-11-18');
  });

  it('when the year is shown, then it gives the annual survey totals: Wi-Fi sessions and public-computer uses', async () => {
    ctx = await makeStaffApp({ config: ZONES });
    await useThePortal(ctx);
    const staff = await signedIn(ctx, 'sam', 'staff');
    const res = await staff.get('/staff/stats/year/2026');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Totals for your annual survey, 2026');
    expect(res.text).toContain('<dt>Wi-Fi sessions</dt><dd>3</dd>');
    // One kiosk session: too few to publish, so left out of the survey total too.
    expect(res.text).toContain('<dt>Public-computer uses</dt><dd>0</dd>');
    expect(res.text).toContain('2 quiet zone-hour(s) had a figure withheld');
    const month = await staff.get('/staff/stats/month/2026-11?zone=kiosks');
    expect(month.status).toBe(200);
    expect(month.text).toContain('Statistics: 2026-11 · Kiosks');
    expect(month.text).not.toContain('annual survey');
  });

  it('when the CSV is exported, then it has one row per period and zone, named columns and a file name', async () => {
    ctx = await makeStaffApp({ config: ZONES });
    await useThePortal(ctx);
    const staff = await signedIn(ctx, 'sam', 'staff');
    const res = await staff.get('/staff/stats/day/2026-11-18.csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename=threshold-day-2026-11-18.csv');
    const lines = res.text.trim().split('\r\n');
    expect(lines[0]).toBe('period,zone,sessions_started,minutes_used,passes_redeemed,refused_allowance,refused_closed,kiosk_uses,learn_views,sessions_ended,queue_issued,queue_served,queue_abandoned,queue_wait_under5,queue_wait5to15,queue_wait15to30,queue_wait30_plus,peak_concurrent,cells_withheld');
    expect(lines).toHaveLength(1 + 24 * 2);
    // Minutes are counted in the hour a session ends.
    // Minutes and ends of one session are withheld; so is the kiosk zone's one session.
    expect(lines.filter((l) => !l.endsWith(',0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0'))).toEqual([
      lines[0],
      '2026-11-18 10:00,wifi,3,fewer than 2,0,0,0,0,0,fewer than 2,0,0,0,0,0,0,0,2,1',
      '2026-11-18 11:00,wifi,0,80,0,0,0,0,0,2,0,0,0,0,0,0,0,0,0',
      '2026-11-18 11:00,kiosks,fewer than 2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,fewer than 2,1',
    ]);
    const year = await staff.get('/staff/stats/year/2026.csv?zone=wifi');
    expect(year.text.trim().split('\r\n')).toHaveLength(1 + 12);
  });

  it('when a period or zone does not exist, then the answer is a 404 that says what to pick', async () => {
    ctx = await makeStaffApp({ config: ZONES });
    const staff = await signedIn(ctx, 'sam', 'staff');
    for (const url of ['/staff/stats/week/2026-47', '/staff/stats/day/2026-02-30', '/staff/stats/month/2026-13', '/staff/stats/year/26']) {
      const res = await staff.get(url);
      expect({ url, status: res.status }).toEqual({ url, status: 404 });
      expect(res.text).toContain('Pick a day (YYYY-MM-DD), a month (YYYY-MM) or a year (YYYY)');
    }
    expect((await staff.get('/staff/stats/day/2026-11-18?zone=mars')).status).toBe(404);
  });
});

describe('statistics privacy', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when every statistics page and export is read, then none holds an address, MAC, pseudonym, session id or code, and rows do not grow with sessions', async () => {
    ctx = await makeStaffApp({ config: ZONES });
    const seen = await useThePortal(ctx);
    const staff = await signedIn(ctx, 'sam', 'staff');
    const urls = ['/staff/stats/day/2026-11-18', '/staff/stats/month/2026-11', '/staff/stats/year/2026'];
    const bodies: string[] = [];
    for (const u of urls) {
      bodies.push((await staff.get(u)).text, (await staff.get(`${u}.csv`)).text);
      for (const z of ZONES.zones) bodies.push((await staff.get(`${u}.csv?zone=${z.id}`)).text);
    }
    const forbidden = [...CLIENTS.flatMap((c) => [c.ip, c.mac, c.mac.replace(/:/g, '')]), ...seen.pseudonyms, ...seen.ids, ...seen.codes];
    for (const body of bodies) for (const f of forbidden) expect({ f, found: body.includes(f) }).toEqual({ f, found: false });

    // The stored statistics themselves: zone, hour, counters and peak — nothing else.
    const rows = await ctx.deps.store.readStats(0, Number.MAX_SAFE_INTEGER);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual(['counts', 'hour', 'peakConcurrent', 'zoneId']);
      expect(Object.keys(r.counts).sort()).toEqual([...STAT_COUNTERS].sort());
    }

    // Twice the sessions: the same number of CSV rows (aggregates, not one row per session).
    const before = (await staff.get('/staff/stats/day/2026-11-18.csv')).text.trim().split('\r\n').length;
    await useThePortal(ctx);
    // (The clock moved on more than the console's idle timeout: sign in again.)
    const again = await signedIn(ctx, 'sue', 'staff');
    const after = (await again.get('/staff/stats/day/2026-11-18.csv')).text.trim().split('\r\n').length;
    expect(after).toBe(before);
  });
});
