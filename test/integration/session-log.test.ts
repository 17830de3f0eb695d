// The log says nothing per session: starts, extensions and ends are only counted, and the
// periodic summary shows each count only when it is at least k.
import { Patron, makeTestApp, type TestContext } from '../helpers/test-deps';

const sessionLines = (logs: string[]) => logs.filter((l) => /"event":"session\.|session (started|extended|ended)/.test(l));
const summaries = (logs: string[]) => logs.filter((l) => l.includes('"event":"sessions.summary"')).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('session log lines', () => {
  let ctx: TestContext;
  afterEach(() => ctx?.close());

  it('when a patron starts, extends and ends a session, then no log line is written for it, and the summary says "fewer than 5"', async () => {
    ctx = await makeTestApp({ config: { zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.40.0.0/16'], policy: { sessionMinutes: 30, dailyMinutes: 240 } }] } });
    const patron = new Patron(ctx.app, '10.40.0.21', 'a4:5e:60:d1:22:21');
    expect((await patron.accept()).status).toBe(303);
    ctx.clock.advance(26 * 60_000);
    expect((await patron.submit('/status', '/extend')).headers.location).toBe('/status?notice=extended&added=26');
    expect((await patron.submit('/status', '/logout')).status).toBe(303);

    expect(sessionLines(ctx.logs)).toEqual([]);
    ctx.deps.sessions.tally.flush(ctx.deps.logger, ctx.deps.config.minCellSessions, 60);
    expect(summaries(ctx.logs)).toEqual([
      expect.objectContaining({ started: 'fewer than 5', extended: 'fewer than 5', ended: 'fewer than 5', periodMinutes: 60 }),
    ]);
    // Counting starts afresh; a quiet period writes nothing.
    ctx.deps.sessions.tally.flush(ctx.deps.logger, ctx.deps.config.minCellSessions, 60);
    expect(summaries(ctx.logs)).toHaveLength(1);
  });

  it('when k patrons start sessions, then the summary gives the count', async () => {
    ctx = await makeTestApp({ config: { minCellSessions: 3 } });
    for (let i = 1; i <= 3; i++) expect((await new Patron(ctx.app, `10.40.1.${i}`).accept()).status).toBe(303);
    ctx.deps.sessions.tally.flush(ctx.deps.logger, ctx.deps.config.minCellSessions, 60);
    expect(summaries(ctx.logs)).toEqual([expect.objectContaining({ started: 3, extended: 'fewer than 3', ended: 'fewer than 3' })]);
    expect(sessionLines(ctx.logs)).toEqual([]);
  });
});
