// One device, two of its addresses (IPv4 and IPv6) accepting the terms at the same moment, on
// SQLite and on Redis: one session, charged once, both addresses in it; and one address sending
// accept or extend twice at once (a double tap): one session, moved once.
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';

const config = { zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.0.0.0/8', 'fd00::/8'], policy: { sessionMinutes: 30, dailyMinutes: 180 } }] };
const MAC = '02:00:00:00:71:01';

describe.each([
  ['sqlite', false],
  ['redis', true],
])('device races on %s', (_name, redis) => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  it('when a device sends accept twice at once, then extend twice at once, then it has one session, moved once', async () => {
    ctx = await makeTestApp({ config, redis });
    const p = new Patron(ctx.app, '10.71.0.2', '02:00:00:00:71:02');
    await p.page('/');
    const accepted = await Promise.all([p.accept(), p.accept()]);
    for (const a of accepted) expect([a.status, a.headers.location]).toEqual([303, '/status']);
    const [session] = await ctx.deps.store.listSessions();
    expect(await ctx.deps.store.listSessions()).toHaveLength(1);
    ctx.clock.advance(10 * 60_000);
    const extended = await Promise.all([p.submit('/status', '/extend'), p.submit('/status', '/extend')]);
    for (const e of extended) expect(e.status).toBe(303);
    expect((await ctx.deps.store.getSession(session!.id))?.endsAt).toBe(ctx.clock.now() + 30 * 60_000);
    expect(await ctx.deps.store.getUsage(session!.day, session!.pseudonym)).toBe(40 * 60);
  });

  it('when a device accepts from its IPv4 and its IPv6 address at once, then it has one session, charged once', async () => {
    ctx = await makeTestApp({ config, redis });
    const v4 = new Patron(ctx.app, '10.71.0.1', MAC);
    const v6 = new Patron(ctx.app, 'fd00::71:1', MAC);
    await Promise.all([v4.page('/'), v6.page('/')]);
    const answers = await Promise.all([v4.accept(), v6.accept()]);
    for (const a of answers) expect([a.status, a.headers.location]).toEqual([303, '/status']);
    const sessions = await ctx.deps.store.listSessions();
    expect(sessions).toHaveLength(1);
    expect(await ctx.deps.store.getUsage(sessions[0]!.day, sessions[0]!.pseudonym)).toBe(30 * 60);
    expect(ctx.deps.sessions.lookup('10.71.0.1')?.record.id).toBe(ctx.deps.sessions.lookup('fd00::71:1')?.record.id);
  });
});
