// The re-seal job with an injected clock, on both stores: live sessions move to the current
// address epoch, unused address keys are destroyed, a record changed meanwhile keeps its key,
// and the work yields to the event loop however many sessions there are.
import { ADDRESS_EPOCH_MS, DayKeyring, RESEAL_EVERY_MS } from '../../src/privacy/day-keys';
import { SessionReseal } from '../../src/sessions/session-reseal';
import { SessionService } from '../../src/sessions/session-service';
import { LiveView } from '../../src/sessions/live-view';
import { makeTestApp, type TestContext } from '../helpers/test-deps';
import { makeSession } from '../contract/store.contract';

const client = (n: number) => ({ ip: `10.9.1.${n}`, mac: `02:00:00:00:01:${String(n).padStart(2, '0')}` });

/** Every key the gateway holds now, read from its key file as an operator would. */
const keysOnDisk = (ctx: TestContext) => new DayKeyring(ctx.deps.keys.file.replace(/\/keys\.json$/, ''), ctx.clock, 'UTC', ctx.deps.random);

describe.each([
  ['sqlite', false],
  ['redis', true],
])('re-sealing on %s', (_name, redis) => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  it('when an epoch has passed, then live sessions are sealed under the new key, the old key is destroyed and a restart still restores them', async () => {
    ctx = await makeTestApp({ redis });
    const g = await ctx.deps.sessions.grant(client(1));
    if (!g.ok) throw new Error(g.reason);
    const first = g.session.record.sealedAddress;
    ctx.clock.advance(ADDRESS_EPOCH_MS);
    const result = await ctx.deps.sessions.reseal();
    expect(result.resealed).toBe(1);
    expect(result.destroyed).toEqual([ctx.deps.keys.epochOf(g.session.record.day, first)]);
    const stored = (await ctx.deps.store.getSession(g.session.record.id))!;
    expect(stored.sealedAddress).not.toBe(first);
    expect(ctx.deps.sessions.live.byIdOf(stored.id)?.record.sealedAddress).toBe(stored.sealedAddress);
    expect(keysOnDisk(ctx).open(stored.day, first)).toBeUndefined();
    const restarted = new SessionService({ ...ctx.deps });
    await restarted.start();
    expect(restarted.lookup(client(1).ip)?.mac).toBe(client(1).mac);
  });

  it('when a session has ended, then one epoch and one run later no key on the gateway opens any record it had', async () => {
    ctx = await makeTestApp({ redis });
    const g = await ctx.deps.sessions.grant(client(2));
    const other = await ctx.deps.sessions.grant(client(3));
    if (!g.ok || !other.ok) throw new Error('not granted');
    const sealedSeen = [g.session.record.sealedAddress];
    ctx.clock.advance(ADDRESS_EPOCH_MS);
    await ctx.deps.sessions.reseal();
    sealedSeen.push((await ctx.deps.store.getSession(g.session.record.id))!.sealedAddress);
    await ctx.deps.sessions.logout(client(2).ip);
    ctx.clock.advance(ADDRESS_EPOCH_MS + RESEAL_EVERY_MS);
    await ctx.deps.sessions.reseal();
    const keys = keysOnDisk(ctx);
    for (const sealed of sealedSeen) expect(keys.open(g.session.record.day, sealed)).toBeUndefined();
    // The session still live is readable under the one key left.
    const live = (await ctx.deps.store.getSession(other.session.record.id))!;
    expect(keys.open(live.day, live.sealedAddress)).toEqual(client(3));
    expect(keys.epochs()).toEqual([keys.epochOf(live.day, live.sealedAddress)]);
  });

  it('when a record changed after the job read it, then it is not overwritten and its key is kept until a later run moves it', async () => {
    ctx = await makeTestApp({ redis });
    const g = await ctx.deps.sessions.grant(client(4));
    if (!g.ok) throw new Error(g.reason);
    const alsoOld = ctx.deps.keys.seal(client(4));
    ctx.clock.advance(ADDRESS_EPOCH_MS);
    const store = ctx.deps.store;
    const real = store.replaceSealedAddress.bind(store);
    // Another writer changes the record (still under the old epoch) between the job's read and its write.
    const spy = jest.spyOn(store, 'replaceSealedAddress').mockImplementationOnce(async (s, next) => {
      await store.putSession({ ...g.session.record, sealedAddress: alsoOld });
      return real(s, next);
    });
    const first = await ctx.deps.sessions.reseal();
    expect(first.destroyed).toEqual([]);
    expect(ctx.deps.keys.open(g.session.record.day, (await store.getSession(g.session.record.id))!.sealedAddress)).toEqual(client(4));
    spy.mockRestore();
    const second = await ctx.deps.sessions.reseal();
    expect(second.resealed).toBe(1);
    expect(second.destroyed).toHaveLength(1);
  });
});

describe('re-seal job slicing', () => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  it('when there are many sessions, then the job gives the event loop turns while it works', async () => {
    ctx = await makeTestApp();
    const keys = ctx.deps.keys;
    const now = ctx.clock.now();
    for (let i = 0; i < 2000; i++) {
      await ctx.deps.store.putSession(makeSession({ day: keys.today(), sealedAddress: keys.seal({ ip: `10.8.${i >> 8}.${i & 255}` }), startedAt: now, endsAt: now + 3_600_000 }));
    }
    ctx.clock.advance(ADDRESS_EPOCH_MS);
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const job = new SessionReseal(ctx.deps, new LiveView(), 0);
    const result = await job.run();
    clearInterval(ticker);
    expect(result.resealed).toBe(2000);
    expect(result.destroyed).toHaveLength(1);
    expect(turns).toBeGreaterThan(0);
  });
});
