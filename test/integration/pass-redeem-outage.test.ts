// Redeeming an access pass while the shared store dies, against a real redis-server of the test's
// own that the test freezes: the claim goes through the outage breaker as a grant does, so the
// patron waits at most its time limit (not the Redis client's 5 s), gets the translated "one
// moment" page that retries by itself (never a 500), at once while the breaker knows the store
// is away, and the code works once the store is back, used exactly once. And on a standalone
// Redis, Sentinel and Cluster, the claim the gateway gave up on is never applied later: ioredis
// keeps queued commands whose wait has timed out and sends them on reconnect, and a Cluster
// retries them for about 12 s; the pass stays unused until the patron's page tries again.
import { translator } from '../../src/i18n/translate';
import type { RedisStore } from '../../src/store/redis/store';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';
import { startOwnRedis, type OwnRedis } from '../helpers/own-redis';
import { startCluster, startSentinel, type RedisHa } from '../helpers/redis-ha';
import { askNode, stopProcess, waitFor as waitForRedis } from '../helpers/redis-processes';
import { timed, waitFor } from '../helpers/wait';

jest.setTimeout(120_000);

/** The breaker's limit here: generous for a busy machine, and still well under the client's 5 s. */
const LIMIT_MS = 1500;
/** What "at once" means on a busy test machine. */
const FAST_MS = 1000;
const CONFIG = {
  storeTimeoutMs: LIMIT_MS,
  zones: [{ id: 'kiosk', name: 'Kiosks', subnets: ['10.6.0.0/16'], policy: { sessionMinutes: 60, dailyMinutes: 120, accessMode: 'pass' } }],
};

/** A gateway of pass zones on the Redis at `url`, with one pass printed; its policies read, as `threshold serve` does at start. */
async function passGateway(url: string): Promise<{ ctx: TestContext; code: string }> {
  const ctx = await makeTestApp({ config: { ...CONFIG, redisUrl: url } });
  await ctx.deps.sessions.policies.refresh();
  const { codes } = await ctx.deps.staff.passes.createBatch('sam', { count: 1, minutes: 30, validUntil: ctx.clock.now() + 86_400_000 });
  return { ctx, code: codes[0]! };
}

describe('redeeming a pass while the shared store is away', () => {
  let redis: OwnRedis;
  let ctx: TestContext;
  let code: string;
  beforeEach(async () => {
    redis = await startOwnRedis();
    ({ ctx, code } = await passGateway(redis.url));
  });
  afterEach(async () => {
    redis.thaw();
    await ctx.close().catch(() => undefined);
    await redis.destroy();
  });

  test('when the store freezes as a patron types a pass code, then they get the translated "one moment" page within the breaker\'s limit, at once while it is away, and the pass works once the store thaws', async () => {
    const p = new Patron(ctx.app, '10.6.0.7', '02:00:00:00:06:07');
    const token = /name="_csrf" value="([^"]+)"/.exec((await p.page('/?lang=es')).text)?.[1] ?? '';
    const t = translator('es');

    // The store dies as the code is sent: the splash's own reads answered, the claim does not.
    const staffStore = ctx.deps.store.staff;
    const claim = staffStore.claimPass.bind(staffStore);
    const dies = jest.spyOn(staffStore, 'claimPass').mockImplementationOnce((...args) => {
      redis.freeze();
      return claim(...args);
    });
    // The pass is claimed in the frozen store: the breaker gives up after its limit.
    const first = await timed(() => p.send(token, '/redeem?lang=es', { code }));
    expect([first.res.status, first.res.headers['retry-after'], first.res.headers.refresh]).toEqual([503, '5', '5; url=/?lang=es']);
    expect(first.res.text).toContain(t('wait.title'));
    expect(first.res.text).toContain('<meta http-equiv="refresh" content="5; url=/?lang=es">');
    expect(dies).toHaveBeenCalledTimes(1);
    expect(first.ms).toBeLessThan(LIMIT_MS + FAST_MS);
    expect(ctx.deps.sessions.storeAway).toBe(true);

    // Typed again while the breaker knows the store is away: the same page, without waiting.
    const again = await timed(() => p.send(token, '/redeem?lang=es', { code }));
    expect([again.res.status, again.ms < FAST_MS]).toEqual([503, true]);
    expect(again.res.text).toContain(t('wait.title'));
    expect(ctx.deps.sessions.lookup(p.ip)).toBeUndefined();

    redis.thaw();
    // The page tries again by itself; here, as a patron would, once a second (the rate limit
    // counts only wrong codes, so these retries are not held against the patron).
    const last = await waitFor(async () => (await p.send(token, '/redeem?lang=es', { code })).status, (status) => status === 303, { timeoutMs: 40_000, intervalMs: 1000 });
    expect([last, ctx.deps.sessions.breaker.lastFailure]).toEqual([303, expect.anything()]);
    const session = ctx.deps.sessions.lookup(p.ip)!;
    expect(session.record.via).toBe('pass');
    expect(session.record.endsAt - ctx.clock.now()).toBe(30 * 60_000);
    // Used once: the claim sent into the frozen store ran when it thawed, and was given back first.
    expect((await ctx.deps.staff.passes.list()).map((b) => b.used)).toEqual([1]);
  });
});

interface Setup {
  url: string;
  /** Takes away the node holding the keys matching `pattern` (it comes back, or is replaced by a failover). */
  fault(pattern: string): Promise<void>;
  /** Brings it back where that is the test's job. */
  recover(): Promise<void>;
  stop(): Promise<void>;
}

async function standalone(): Promise<Setup> {
  const redis: OwnRedis = await startOwnRedis();
  return { url: redis.url, fault: () => redis.stop(), recover: () => redis.start(), stop: () => redis.destroy() };
}

/** The master's writes have reached every replica (so a failover keeps the session). */
async function replicated(ha: RedisHa, ports: number[]): Promise<void> {
  await waitForRedis('the replicas to catch up', async () => {
    const infos = await Promise.all(ports.map((p) => askNode(p, 'INFO', 'replication')));
    return infos.every((info) => {
      const s = String(info);
      const offset = /master_repl_offset:(\d+)/.exec(s)?.[1];
      const replicas = [...s.matchAll(/slave\d+:.*offset=(\d+)/g)].map((m) => m[1]);
      return replicas.length > 0 && replicas.every((o) => o === offset);
    });
  }, ha.procs);
}

async function sentinel(): Promise<Setup> {
  const ha = await startSentinel();
  return {
    url: ha.url,
    async fault() {
      await replicated(ha, [ha.procs[0]!.port]);
      await stopProcess(ha.procs[0]!);
    },
    recover: async () => undefined,
    stop: () => ha.stop(),
  };
}

async function cluster(): Promise<Setup> {
  const ha = await startCluster();
  return {
    url: ha.url,
    async fault(pattern) {
      const masters = await ha.masters();
      await replicated(ha, masters);
      const holders = await Promise.all(masters.map(async (port) => ((await askNode(port, 'KEYS', pattern)) as string[] | undefined)?.length ?? 0));
      const port = masters[holders.findIndex((n) => n > 0)];
      await stopProcess(ha.procs.find((p) => p.port === port)!);
    },
    recover: async () => undefined,
    stop: () => ha.stop(),
  };
}

describe.each([
  ['standalone Redis', standalone],
  ['Sentinel', sentinel],
  ['Cluster', cluster],
])('on %s', (_name, setUp) => {
  let setup: Setup;
  let ctx: TestContext;
  let code: string;
  beforeAll(async () => {
    setup = await setUp();
    ({ ctx, code } = await passGateway(setup.url));
  });
  afterAll(async () => {
    // Either may be unset when the set-up itself failed: its own error is the one to see.
    await ctx?.close().catch(() => undefined);
    await setup?.stop();
  });

  test('when a pass is claimed as the store goes away, then the patron is told to wait, and the claim is not applied once the store is back', async () => {
    const p = new Patron(ctx.app, '10.6.0.9', '02:00:00:00:06:09');
    const token = /name="_csrf" value="([^"]+)"/.exec((await p.page('/')).text)?.[1] ?? '';
    const store = ctx.deps.store as RedisStore;
    // The store goes just before the claim is sent: the route's reads answered, the breaker does
    // not know yet, and the claim (its command issued at once, as the gateway does) waits for it.
    const describe = ctx.deps.sessions.describe.bind(ctx.deps.sessions);
    jest.spyOn(ctx.deps.sessions, 'describe').mockImplementationOnce(async (...args) => {
      const info = await describe(...args);
      await setup.fault('*{passes}:pass:*');
      return info;
    });
    const res = await p.send(token, '/redeem', { code });
    expect([res.status, res.headers['retry-after']]).toEqual([503, '5']);

    await setup.recover();
    // The claim comes up to be sent (at the reconnect, or at the Cluster's next retry) and is dropped.
    const dropped = await waitFor(async () => store.unsentDropped, (n) => n > 0, { timeoutMs: 60_000 });
    expect(dropped).toBeGreaterThan(0);
    const used = await waitFor(() => ctx.deps.staff.passes.list().then((b) => b.map((x) => x.used), () => null), (u) => u !== null, { timeoutMs: 60_000 });
    // Unused, as the gateway told the patron: nothing was claimed behind their back.
    expect(used).toEqual([0]);
    expect(ctx.deps.sessions.lookup(p.ip)).toBeUndefined();
    // The patron's page tries again: the pass works, once.
    const again = await waitFor(async () => (await p.send(token, '/redeem', { code })).status, (s) => s === 303, { timeoutMs: 60_000, intervalMs: 1000 });
    expect(again).toBe(303);
    expect((await ctx.deps.staff.passes.list()).map((b) => b.used)).toEqual([1]);
  });
});
