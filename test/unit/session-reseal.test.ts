// The re-seal job with an injected clock, on both stores: live sessions move to the current
// address epoch, unused address keys are destroyed, a record changed meanwhile keeps its key,
// and the work yields to the event loop however many sessions there are.
import { ADDRESS_EPOCH_MS, DayKeyring, RESEAL_EVERY_MS } from '../../src/privacy/day-keys';
import { SessionReseal } from '../../src/sessions/session-reseal';
import { SessionService } from '../../src/sessions/session-service';
import { LiveView, liveSession } from '../../src/sessions/live-view';
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
    const first = (await ctx.deps.store.getSession(g.session.record.id))!.sealedAddress;
    expect(g.session.record.epoch).toBe(ctx.deps.keys.epochOf(g.session.record.day, first));
    ctx.clock.advance(ADDRESS_EPOCH_MS);
    const result = await ctx.deps.sessions.reseal();
    expect(result.resealed).toBe(1);
    expect(result.destroyed).toEqual([ctx.deps.keys.epochOf(g.session.record.day, first)]);
    const stored = (await ctx.deps.store.getSession(g.session.record.id))!;
    expect(stored.sealedAddress).not.toBe(first);
    expect(ctx.deps.sessions.live.byIdOf(stored.id)?.record.epoch).toBe(ctx.deps.keys.epoch());
    expect(ctx.deps.keys.epochOf(stored.day, stored.sealedAddress)).toBe(ctx.deps.keys.epoch());
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
    const sealedSeen = [(await ctx.deps.store.getSession(g.session.record.id))!.sealedAddress];
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

  it('when the stored record keeps changing under the job, then nothing is overwritten and its key is kept until a later run moves it', async () => {
    ctx = await makeTestApp({ redis });
    const g = await ctx.deps.sessions.grant(client(4));
    if (!g.ok) throw new Error(g.reason);
    ctx.clock.advance(ADDRESS_EPOCH_MS);
    const store = ctx.deps.store;
    // Every compare-and-set of this run loses (another write got there first).
    const one = jest.spyOn(store, 'replaceSealedAddress').mockResolvedValue(false);
    const many = jest.spyOn(store, 'replaceSealedAddresses').mockImplementation(async (changes) => changes.map(() => false));
    const first = await ctx.deps.sessions.reseal();
    expect(first).toEqual({ resealed: 0, destroyed: [] });
    expect(ctx.deps.keys.open(g.session.record.day, (await store.getSession(g.session.record.id))!.sealedAddress)).toEqual(client(4));
    one.mockRestore();
    many.mockRestore();
    const second = await ctx.deps.sessions.reseal();
    expect(second.resealed).toBe(1);
    expect(second.destroyed).toHaveLength(1);
  });

  it('when the stored record was rewritten with an older value, then the job seals it again from memory', async () => {
    ctx = await makeTestApp({ redis });
    const g = await ctx.deps.sessions.grant(client(5));
    if (!g.ok) throw new Error(g.reason);
    const alsoOld = ctx.deps.keys.seal(client(5));
    await ctx.deps.store.putSession({ ...(await ctx.deps.store.getSession(g.session.record.id))!, sealedAddress: alsoOld });
    ctx.clock.advance(ADDRESS_EPOCH_MS);
    const result = await ctx.deps.sessions.reseal();
    expect(result.resealed).toBe(1);
    expect(result.destroyed).toHaveLength(1);
    const stored = (await ctx.deps.store.getSession(g.session.record.id))!;
    expect(ctx.deps.keys.open(stored.day, stored.sealedAddress)).toEqual(client(5));
    expect(ctx.deps.sessions.live.byIdOf(stored.id)?.record.epoch).toBe(ctx.deps.keys.epochOf(stored.day, stored.sealedAddress));
  });
});

describe('re-seal job slicing', () => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  it('when there are many sessions, then the job gives the event loop turns while it works', async () => {
    ctx = await makeTestApp();
    const keys = ctx.deps.keys;
    const now = ctx.clock.now();
    const live = new LiveView();
    for (let i = 0; i < 2000; i++) {
      const ip = `10.8.${i >> 8}.${i & 255}`;
      const record = makeSession({ day: keys.today(), sealedAddress: keys.seal({ ip }), startedAt: now, endsAt: now + 3_600_000 });
      await ctx.deps.store.putSession(record);
      live.set(liveSession(record, ip, undefined));
    }
    ctx.clock.advance(ADDRESS_EPOCH_MS);
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    const job = new SessionReseal(ctx.deps, live, undefined, 0);
    const result = await job.run();
    clearInterval(ticker);
    expect(result.resealed).toBe(2000);
    expect(result.destroyed).toHaveLength(1);
    expect(turns).toBeGreaterThan(0);
  });
});
