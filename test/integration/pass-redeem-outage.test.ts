// Redeeming an access pass while the shared store dies, against a real redis-server of the test's
// own that the test freezes: the claim goes through the outage breaker as a grant does, so the
// patron waits at most its time limit (not the Redis client's 5 s), gets the translated "one
// moment" page that retries by itself (never a 500), at once while the breaker knows the store
// is away, and the code works once the store is back, used exactly once.
import { translator } from '../../src/i18n/translate';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';
import { startOwnRedis, type OwnRedis } from '../helpers/own-redis';
import { timed, waitFor } from '../helpers/wait';

jest.setTimeout(90_000);

/** The breaker's limit here: generous for a busy machine, and still well under the client's 5 s. */
const LIMIT_MS = 1500;
/** What "at once" means on a busy test machine. */
const FAST_MS = 1000;
const CONFIG = {
  storeTimeoutMs: LIMIT_MS,
  zones: [{ id: 'kiosk', name: 'Kiosks', subnets: ['10.6.0.0/16'], policy: { sessionMinutes: 60, dailyMinutes: 120, accessMode: 'pass' } }],
};

describe('redeeming a pass while the shared store is away', () => {
  let redis: OwnRedis;
  let ctx: TestContext;
  beforeEach(async () => {
    redis = await startOwnRedis();
    ctx = await makeTestApp({ config: { ...CONFIG, redisUrl: redis.url } });
    // As `threshold serve` does at start: the policies are read before any patron comes.
    await ctx.deps.sessions.policies.refresh();
  });
  afterEach(async () => {
    redis.thaw();
    await ctx.close().catch(() => undefined);
    await redis.destroy();
  });

  test('when the store freezes as a patron types a pass code, then they get the translated "one moment" page within the breaker\'s limit, at once while it is away, and the pass works once the store thaws', async () => {
    const { codes } = await ctx.deps.staff.passes.createBatch('sam', { count: 1, minutes: 30, validUntil: ctx.clock.now() + 86_400_000 });
    const code = codes[0]!;
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
