// Sessions with an injected clock: midnight, closing time, a policy change while sessions run,
// an exhausted allowance, restarts and the destruction of day keys.
import { policySchema } from '../../src/config/schema';
import { CHUNK } from '../../src/jobs/chunks';
import { SessionService } from '../../src/sessions/session-service';
import { makeTestApp, type TestContext } from '../helpers/test-deps';

const zone = (policy: Record<string, unknown>) => ({ zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['0.0.0.0/0', '::/0'], policy }] });
/** Client number n of a few hundred, each with its own address and MAC. */
const many = (n: number) => ({ ip: `10.10.${n >> 8}.${n & 255}`, mac: `02:00:00:01:${(n >> 8).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}` });
const client = (n: number) => ({ ip: `10.9.0.${n}`, mac: `02:00:00:00:00:${String(n).padStart(2, '0')}` });
/** The pseudonym a session's record was stored with (the live view keeps none). */
const pseudonymOf = async (ctx: TestContext, id: string) => (await ctx.deps.store.getSession(id))!.pseudonym;

describe('SessionService', () => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  it('when a zone requires a pass, then a grant without one is refused and a grant by pass starts a session', async () => {
    ctx = await makeTestApp({ config: zone({ accessMode: 'pass' }) });
    const s = ctx.deps.sessions;
    expect(await s.grant(client(10))).toMatchObject({ ok: false, reason: 'pass-required' });
    expect(await ctx.deps.store.listSessions()).toEqual([]);
    expect((await s.grant(client(10), 'pass', 30 * 60)).ok).toBe(true);
  });

  it('when a device used its allowance yesterday, then after midnight it gets a fresh allowance under a new pseudonym', async () => {
    ctx = await makeTestApp({ now: '2026-11-18T22:00:00Z', config: zone({ sessionMinutes: 60, dailyMinutes: 60 }) });
    const s = ctx.deps.sessions;
    const first = await s.grant(client(1));
    expect(first.ok).toBe(true);
    const firstPseudonym = first.ok ? await pseudonymOf(ctx, first.session.record.id) : '';
    ctx.clock.set(Date.parse('2026-11-18T23:05:00Z'));
    await s.tick();
    expect((await s.grant(client(1))).ok).toBe(false);
    ctx.clock.set(Date.parse('2026-11-19T00:01:00Z'));
    const next = await s.grant(client(1));
    expect(next.ok).toBe(true);
    if (first.ok && next.ok) {
      expect(next.session.record.day).toBe('2026-11-19');
      expect(await pseudonymOf(ctx, next.session.record.id)).not.toBe(firstPseudonym);
    }
  });

  it('when a session is granted at 23:30, then it runs past midnight and counts against the day it began', async () => {
    ctx = await makeTestApp({ now: '2026-11-18T23:30:00Z', config: zone({ sessionMinutes: 60, dailyMinutes: 120 }) });
    const r = await ctx.deps.sessions.grant(client(2));
    expect(r.ok && r.session.record.endsAt).toBe(Date.parse('2026-11-19T00:30:00Z'));
    ctx.clock.set(Date.parse('2026-11-19T00:10:00Z'));
    expect(ctx.deps.sessions.lookup(client(2).ip)).toBeDefined();
    if (r.ok) expect(await ctx.deps.store.getUsage('2026-11-18', await pseudonymOf(ctx, r.session.record.id))).toBe(3600);
  });

  it('when the library closes in 15 minutes, then a new session ends at closing time and is cut off then', async () => {
    ctx = await makeTestApp({ now: '2026-11-18T19:45:00Z', config: zone({ openingHours: { wed: [{ open: '09:00', close: '20:00' }] } }) });
    const r = await ctx.deps.sessions.grant(client(3));
    expect(r.ok && r.session.record.endsAt).toBe(Date.parse('2026-11-18T20:00:00Z'));
    expect((await ctx.deps.firewall.list())[0]?.expiresInSeconds).toBe(15 * 60);
    ctx.clock.set(Date.parse('2026-11-18T20:00:01Z'));
    await ctx.deps.sessions.tick();
    expect(ctx.deps.sessions.lookup(client(3).ip)).toBeUndefined();
    expect(await ctx.deps.store.listSessions()).toEqual([]);
  });

  it('when staff shorten the session length while sessions run, then running sessions are cut only if they choose so', async () => {
    ctx = await makeTestApp({ config: zone({ sessionMinutes: 60 }) });
    const s = ctx.deps.sessions;
    await s.grant(client(4));
    ctx.clock.advance(10 * 60_000);
    const shorter = policySchema.parse({ sessionMinutes: 20 });
    await s.policies.set('wifi', shorter);
    // New sessions get the new length at once; running ones keep theirs.
    const fresh = await s.grant(client(5));
    expect(fresh.ok && s.secondsLeft(fresh.session)).toBe(20 * 60);
    expect(s.secondsLeft(s.lookup(client(4).ip)!)).toBe(50 * 60);
    // When staff choose to shorten running sessions, they end 20 minutes after they began.
    expect(await s.applyPolicyToRunning('wifi', shorter)).toBe(1);
    expect(s.secondsLeft(s.lookup(client(4).ip)!)).toBe(10 * 60);
    expect((await ctx.deps.firewall.list()).find((e) => e.ip === client(4).ip)?.expiresInSeconds).toBe(10 * 60);
  });

  it('when the allowance is used up across several sessions, then the next grant is refused and counted', async () => {
    ctx = await makeTestApp({ config: zone({ sessionMinutes: 30, dailyMinutes: 45 }) });
    const s = ctx.deps.sessions;
    expect((await s.grant(client(6))).ok).toBe(true);
    ctx.clock.advance(30 * 60_000);
    await s.tick();
    const second = await s.grant(client(6));
    expect(second.ok && s.secondsLeft(second.session)).toBe(15 * 60);
    ctx.clock.advance(15 * 60_000);
    await s.tick();
    expect(await s.grant(client(6))).toMatchObject({ ok: false, reason: 'allowance-exhausted' });
    const stats = await ctx.deps.store.readStats(0, Date.now() + 1e12);
    const sum = (k: 'sessionsStarted' | 'refusedAllowance' | 'minutesUsed') => stats.reduce((a, r) => a + r.counts[k], 0);
    expect(sum('sessionsStarted')).toBe(2);
    expect(sum('refusedAllowance')).toBe(1);
    expect(sum('minutesUsed')).toBe(45);
  });

  it('when the same device asks twice at once, then one session is started', async () => {
    ctx = await makeTestApp();
    const [a, b] = await Promise.all([ctx.deps.sessions.grant(client(7)), ctx.deps.sessions.grant(client(7))]);
    expect(a.ok && b.ok && a.session.record.id === b.session.record.id).toBe(true);
    expect(await ctx.deps.store.listSessions()).toHaveLength(1);
  });

  it('when Threshold restarts, then live sessions are restored from the store and let through again', async () => {
    ctx = await makeTestApp();
    await ctx.deps.sessions.grant(client(8));
    const restarted = new SessionService({ ...ctx.deps });
    const fw = ctx.deps.firewall;
    await fw.revoke([{ ip: client(8).ip }]);
    await restarted.start();
    expect(restarted.lookup(client(8).ip)?.mac).toBe(client(8).mac);
    expect((await fw.list()).map((e) => e.ip)).toEqual([client(8).ip]);
  });

  it('when the day is over, then its pseudonym key is destroyed, and its records are purged once its last session ended', async () => {
    ctx = await makeTestApp({ now: '2026-11-18T23:30:00Z' });
    const g = await ctx.deps.sessions.grant(client(9));
    if (!g.ok) throw new Error(g.reason);
    const pseudonym = await pseudonymOf(ctx, g.session.record.id);
    expect(ctx.deps.keys.days()).toEqual(['2026-11-18']);
    ctx.clock.set(Date.parse('2026-11-19T00:00:30Z'));
    // The session that began yesterday still runs: the key is gone, its usage stays.
    expect(await ctx.deps.sessions.pruneKeys()).toEqual([]);
    expect(ctx.deps.keys.days()).toEqual([]);
    expect(await ctx.deps.store.getUsage('2026-11-18', pseudonym)).toBeGreaterThan(0);
    ctx.clock.set(g.session.record.endsAt);
    await ctx.deps.sessions.tick();
    expect(await ctx.deps.sessions.pruneKeys()).toEqual(['2026-11-18']);
    expect(ctx.deps.keys.toPurge()).toEqual([]);
    expect(await ctx.deps.store.getUsage('2026-11-18', pseudonym)).toBe(0);
    expect(await ctx.deps.store.listSessions()).toEqual([]);
  });

  it('when a past day waits to be purged, then the sessions still running are found a page at a time, never in one read of all', async () => {
    ctx = await makeTestApp({ now: '2026-11-18T23:30:00Z' });
    for (let n = 1; n <= 5; n++) if (!(await ctx.deps.sessions.grant(client(10 + n))).ok) throw new Error('not granted');
    ctx.clock.set(Date.parse('2026-11-19T00:00:30Z'));
    const all = jest.spyOn(ctx.deps.store, 'listSessions');
    const pages = jest.spyOn(ctx.deps.store, 'scanSessions');
    expect(await ctx.deps.sessions.pruneKeys()).toEqual([]);
    expect(all).not.toHaveBeenCalled();
    expect(pages).toHaveBeenCalled();
    for (const [, , limit] of pages.mock.calls) expect(limit).toBeLessThanOrEqual(CHUNK);
  });

  it('when the day turns with every running session of the day before, then the walk stops at its first page and reads no record the gateway holds', async () => {
    ctx = await makeTestApp({ now: '2026-11-18T23:30:00Z' });
    for (let n = 0; n < 300; n++) if (!(await ctx.deps.sessions.grant(many(n))).ok) throw new Error('not granted');
    ctx.clock.set(Date.parse('2026-11-19T00:00:30Z'));
    const pages = jest.spyOn(ctx.deps.store, 'scanSessions');
    expect(await ctx.deps.sessions.pruneKeys()).toEqual([]);
    // One page showed the day still running: the other 200-odd sessions were never walked.
    expect(pages).toHaveBeenCalledTimes(1);
    const page = await pages.mock.results[0]!.value;
    expect(page.sessions).toEqual([]);
    expect(page.unread.length).toBe(pages.mock.calls[0]![2]);
    expect(page.next).toBeDefined();
    expect(ctx.deps.keys.toPurge()).toEqual(['2026-11-18']);
  });

  it('when a past day waits and a session of it runs that the gateway does not hold, then the whole walk finds it and only its record is read', async () => {
    ctx = await makeTestApp({ now: '2026-11-18T23:30:00Z' });
    const first = await ctx.deps.sessions.grant(client(1));
    if (!first.ok) throw new Error(first.reason);
    const stored = (await ctx.deps.store.getSession(first.session.record.id))!;
    ctx.clock.set(first.session.record.endsAt + 1000);
    await ctx.deps.sessions.tick();
    for (let n = 0; n < 300; n++) if (!(await ctx.deps.sessions.grant(many(n))).ok) throw new Error('not granted');
    // Written by another process of this gateway (the CLI, a restore): in the store, not in the live view; last in the walk.
    const now = ctx.clock.now();
    const stray = { ...stored, id: 'stray-session-of-the-day-before', code: 'ZZ0001', startedAt: now - 3_600_000, endsAt: now + 7_200_000, lastActivityAt: now };
    await ctx.deps.store.putSession(stray);
    const pages = jest.spyOn(ctx.deps.store, 'scanSessions');
    expect(await ctx.deps.sessions.pruneKeys()).toEqual([]);
    const read = await Promise.all(pages.mock.results.map(async (r) => (await r.value).sessions.map((s: { id: string }) => s.id)));
    expect(read.flat()).toEqual([stray.id]);
    expect(pages.mock.calls.length).toBeGreaterThan(1);
    for (const [, , limit] of pages.mock.calls) expect(limit).toBeLessThanOrEqual(CHUNK);
    await ctx.deps.store.deleteSession(stray.id);
    expect(await ctx.deps.sessions.pruneKeys()).toEqual(['2026-11-18']);
  });
});
