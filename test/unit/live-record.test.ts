// What the live view keeps of a session, on both stores: never its sealed address or its
// pseudonym (the store holds them), however the session came to be held (a grant, a restart, a
// change followed, a re-seal); and a record written back from memory after a key rotation is
// sealed under the current key, opens with it, and lets the old key be destroyed.
import { ADDRESS_EPOCH_MS } from '../../src/privacy/day-keys';
import { SessionReassert } from '../../src/sessions/session-reassert';
import { SessionService } from '../../src/sessions/session-service';
import type { LiveSession } from '../../src/sessions/live-view';
import { makeTestApp, type TestContext } from '../helpers/test-deps';

const client = (n: number) => ({ ip: `10.9.2.${n}`, mac: `02:00:00:00:02:${String(n).padStart(2, '0')}` });

/** Every string a live session holds, however deep. */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) stringsIn(v, out);
  return out;
}

describe.each([
  ['sqlite', false],
  ['redis', true],
])('the live view on %s', (_name, redis) => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  /** Asserts that a live session holds neither its stored record's sealed address nor its pseudonym. */
  async function holdsNothingSealed(s: LiveSession | undefined): Promise<void> {
    expect(s).toBeDefined();
    const stored = (await ctx.deps.store.getSession(s!.record.id))!;
    const held = stringsIn(s);
    expect(held).not.toContain(stored.sealedAddress);
    expect(held).not.toContain(stored.pseudonym);
    expect(Object.keys(s!.record)).not.toEqual(expect.arrayContaining(['sealedAddress']));
    expect(Object.keys(s!.record)).not.toContain('pseudonym');
    expect(s!.record.epoch).toBe(ctx.deps.keys.epochOf(stored.day, stored.sealedAddress));
  }

  it('when a session is granted, restored after a restart, extended and re-sealed, then the live view never holds a sealed string or a pseudonym', async () => {
    ctx = await makeTestApp({ redis });
    const g = await ctx.deps.sessions.grant(client(1));
    if (!g.ok) throw new Error(g.reason);
    await holdsNothingSealed(ctx.deps.sessions.lookup(client(1).ip));

    const restarted = new SessionService({ ...ctx.deps });
    await restarted.start();
    await holdsNothingSealed(restarted.lookup(client(1).ip));

    ctx.clock.advance(20 * 60_000);
    expect((await ctx.deps.sessions.extend(client(1).ip)).ok).toBe(true);
    await holdsNothingSealed(ctx.deps.sessions.lookup(client(1).ip));

    ctx.clock.advance(ADDRESS_EPOCH_MS);
    expect((await ctx.deps.sessions.reseal()).resealed).toBe(1);
    await holdsNothingSealed(ctx.deps.sessions.lookup(client(1).ip));
    expect(ctx.deps.sessions.lookup(client(1).ip)!.record.epoch).toBe(ctx.deps.keys.epoch());
  });

  it.each([
    ['after the re-seal job ran', true],
    ['before the re-seal job ran', false],
  ])('when a record the store lost is written back %s, then it is sealed under the current key, opens with it, and the old key goes', async (_when, resealFirst) => {
    ctx = await makeTestApp({ redis });
    const g = await ctx.deps.sessions.grant(client(2));
    if (!g.ok) throw new Error(g.reason);
    const before = (await ctx.deps.store.getSession(g.session.record.id))!;
    const oldEpoch = ctx.deps.keys.epochOf(before.day, before.sealedAddress);
    ctx.clock.advance(ADDRESS_EPOCH_MS);
    if (resealFirst) expect((await ctx.deps.sessions.reseal()).destroyed).toEqual([oldEpoch]);
    // As if a demoted master had dropped it.
    await ctx.deps.store.deleteSession(before.id);
    const reassert = new SessionReassert(ctx.deps, ctx.deps.sessions.live, new Map());
    expect(await reassert.request()).toBe(1);

    const back = (await ctx.deps.store.getSession(before.id))!;
    const { sealedAddress: _a, ...rest } = back;
    const { sealedAddress: _b, ...restBefore } = before;
    expect(rest).toEqual(restBefore);
    expect(ctx.deps.keys.epochOf(back.day, back.sealedAddress)).toBe(ctx.deps.keys.epoch());
    expect(ctx.deps.keys.open(back.day, back.sealedAddress)).toEqual(client(2));
    expect(ctx.deps.sessions.live.byIdOf(before.id)!.record.epoch).toBe(ctx.deps.keys.epoch());

    // Nothing left to move; the old key is destroyed (or already was), and a restart opens the record.
    const run = await ctx.deps.sessions.reseal();
    expect(run.resealed).toBe(0);
    expect(ctx.deps.keys.epochs()).toEqual([ctx.deps.keys.epoch()]);
    const restarted = new SessionService({ ...ctx.deps });
    await restarted.start();
    expect(restarted.lookup(client(2).ip)?.mac).toBe(client(2).mac);
  });

  it('when the day key of a live session is gone, then it is not written back (its day is being purged)', async () => {
    ctx = await makeTestApp({ redis, now: '2026-11-18T23:50:00Z' });
    const g = await ctx.deps.sessions.grant(client(3));
    if (!g.ok) throw new Error(g.reason);
    await ctx.deps.store.deleteSession(g.session.record.id);
    ctx.clock.set(Date.parse('2026-11-19T00:00:30Z'));
    await ctx.deps.sessions.pruneKeys();
    expect(ctx.deps.keys.get('2026-11-18')).toBeUndefined();
    expect(await new SessionReassert(ctx.deps, ctx.deps.sessions.live, new Map()).request()).toBe(0);
    expect(await ctx.deps.store.getSession(g.session.record.id)).toBeUndefined();
  });
});
