// Branch autonomy against a real redis-server of the test's own, stopped and frozen under the
// portal: patrons are admitted from what the gateway knows, waits get the "one moment" page
// (never a 5xx), and everything is written through once when the store is back, with the key
// its address is sealed under (a restart after the write-through restores it).
import path from 'node:path';
import Database from 'better-sqlite3';
import request from 'supertest';
import { SQLITE_FILE } from '../../src/store/registry';
import { hourOf } from '../../src/sessions/session-stats';
import { liveRecord } from '../../src/sessions/live-view';
import { ADDRESS_EPOCH_MS, DayKeyring } from '../../src/privacy/day-keys';
import { SessionService } from '../../src/sessions/session-service';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';
import { startOwnRedis, type OwnRedis } from '../helpers/own-redis';

jest.setTimeout(90_000);
const HOUR = 3_600_000;

/** Waits for a condition, checking every `everyMs` (never a fixed sleep). */
async function until(check: () => Promise<boolean> | boolean, what: string, ms = 40_000, why = () => '', everyMs = 100): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} ${why()}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Ticks the gateway until every grant kept while the store was away is written through. */
async function writtenThrough(ctx: TestContext): Promise<void> {
  await until(async () => {
    await ctx.deps.sessions.tick().catch(() => undefined);
    return ctx.deps.sessions.unwrittenGrants === 0;
  }, 'the write-through', 40_000, () => `last store failure: ${ctx.deps.sessions.breaker.lastFailure}`);
}

/** Every key the gateway holds now, read from its key file as a restarted gateway does. */
const keysOnDisk = (ctx: TestContext) => new DayKeyring(ctx.deps.keys.file.replace(/\/keys\.json$/, ''), ctx.clock, 'UTC', ctx.deps.random);

/** A gateway started again on the same store and key file: the sessions it restores. */
async function restarted(ctx: TestContext): Promise<SessionService> {
  const again = new SessionService({ ...ctx.deps, keys: keysOnDisk(ctx) });
  await again.start();
  return again;
}

const mac = (i: number) => `02:00:00:00:01:${i.toString(16).padStart(2, '0')}`;

describe('branch autonomy on Redis', () => {
  let redis: OwnRedis;
  let ctx: TestContext;
  beforeEach(async () => {
    redis = await startOwnRedis();
    // A generous limit: the machine running the tests may be busy; the frozen store still trips it.
    ctx = await makeTestApp({ config: { redisUrl: redis.url, storeTimeoutMs: 3000 } });
  });
  afterEach(async () => {
    redis.thaw();
    await ctx.close().catch(() => undefined);
    await redis.destroy();
  });

  test('when the store is stopped, then new patrons are admitted, and once it is back every grant is written through once', async () => {
    const early = new Patron(ctx.app, '10.0.0.5', mac(5));
    expect((await early.accept()).headers.location).toBe('/status');
    await redis.stop();

    const patrons = Array.from({ length: 6 }, (_, i) => new Patron(ctx.app, `10.0.1.${i + 1}`, mac(i + 16)));
    for (const p of patrons) {
      const res = await p.accept();
      expect([res.status, res.headers.location]).toEqual([303, '/status']);
      expect((await p.page('/status')).status).toBe(200);
    }
    // The patron online before the outage is unaffected; a newcomer still sees the splash page.
    expect((await early.page('/status')).status).toBe(200);
    expect((await new Patron(ctx.app, '10.0.2.1', mac(40)).page('/')).status).toBe(200);
    expect(ctx.deps.sessions.unwrittenGrants).toBe(6);

    await redis.start();
    await writtenThrough(ctx);
    const stored = await ctx.deps.store.listSessions(ctx.deps.config.gatewayId);
    expect(stored).toHaveLength(7);
    for (const p of [early, ...patrons]) {
      const live = ctx.deps.sessions.lookup(p.ip)!;
      const record = stored.find((s) => s.id === live.record.id)!;
      expect(record).toBeDefined();
      // Charged exactly once: one session's length (the default hour).
      expect(await ctx.deps.store.getUsage(record.day, record.pseudonym)).toBe(3600);
    }
    await until(async () => {
      await ctx.deps.sessions.writeThrough();
      const rows = await ctx.deps.store.readStats(hourOf(ctx.clock.now()), hourOf(ctx.clock.now()) + HOUR);
      return rows[0]?.counts.sessionsStarted === 7;
    }, 'the counters to be written');
    // A replay of a grant already written changes nothing.
    const one = (await ctx.deps.store.getSession(ctx.deps.sessions.lookup(patrons[0]!.ip)!.record.id))!;
    expect(await ctx.deps.store.grantSession(one, { seconds: 3600, expiresAt: Date.now() + HOUR })).toBe(false);
    expect(await ctx.deps.store.getUsage(one.day, one.pseudonym)).toBe(3600);
    // Reconciling with the store afterwards keeps every session.
    await ctx.deps.sessions.reconcile();
    for (const p of patrons) expect(ctx.deps.sessions.lookup(p.ip)).toBeDefined();
  });

  test('when the store is frozen, then a patron is admitted without waiting for it, and written through after it thaws', async () => {
    // As `threshold serve` does at start: the policies are read before any patron comes.
    await ctx.deps.sessions.policies.refresh();
    redis.freeze();
    const p = new Patron(ctx.app, '10.0.3.1', mac(50));
    const res = await p.accept();
    // Answered while Redis still answers nothing: the breaker did not wait for its timeouts.
    expect([res.status, res.headers.location]).toEqual([303, '/status']);
    expect(ctx.deps.sessions.lookup(p.ip)).toBeDefined();
    redis.thaw();
    await writtenThrough(ctx);
    const live = ctx.deps.sessions.lookup(p.ip)!;
    const stored = (await ctx.deps.store.getSession(live.record.id))!;
    expect(stored.id).toBe(live.record.id);
    expect(await ctx.deps.store.getUsage(stored.day, stored.pseudonym)).toBe(3600);
  });

  test('when a patron must wait (extend, log out, a JSON client), then they get a 503 "one moment" answer that retries by itself, never a 500', async () => {
    const p = new Patron(ctx.app, '10.0.4.1', mac(60));
    await p.accept();
    await redis.stop();
    for (const action of ['/logout', '/extend']) {
      const res = await p.submit('/status', action);
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.headers.refresh).toBe('5; url=/');
      expect(res.text).toContain('One moment, please');
      expect(res.text).toContain('<meta http-equiv="refresh" content="5; url=/">');
      expect(res.text).toContain('Try again now');
    }
    // Still online: a failed logout changed nothing.
    expect((await p.page('/status')).status).toBe(200);
    const fr = await p.submit('/status?lang=fr', '/logout?lang=fr');
    expect(fr.status).toBe(503);
    expect(fr.text).toContain('Un instant, s’il vous plaît');
    expect(fr.headers.refresh).toBe('5; url=/?lang=fr');
    const json = await request(ctx.app).post('/logout').set('X-Test-Client', '10.0.4.1').set('Accept', 'application/json').send({});
    expect(json.status).toBeLessThan(500);
    await redis.start();
    // Retried a second apart, as a patron would (the page itself waits Retry-After): a form post
    // every 100 ms would run into the patron rate limit (20 a minute) before the store is back.
    let last = 0;
    await until(async () => {
      last = (await p.submit('/status', '/logout')).status;
      return last === 303;
    }, 'the log-out to go through', 40_000, () => `last answer ${last}; last store failure: ${ctx.deps.sessions.breaker.lastFailure}`, 1000);
    expect(ctx.deps.sessions.lookup(p.ip)).toBeUndefined();
  });

  test('when the re-seal job runs after the store is back but before the grant kept meanwhile is written, then the session survives a restart and its old key goes at the next run', async () => {
    // The reconnect's write-back and the re-seal job both look for the grant before it is
    // written: neither may leave its record sealed under a key that is then destroyed.
    await ctx.deps.sessions.policies.refresh();
    const p = new Patron(ctx.app, '10.0.7.1', mac(80));
    await redis.stop();
    expect((await p.accept()).headers.location).toBe('/status');
    expect(ctx.deps.sessions.unwrittenGrants).toBe(1);
    const granted = ctx.deps.keys.epoch();
    ctx.clock.advance(ADDRESS_EPOCH_MS);

    // Back; the job runs first (it reads the store directly, not through the breaker).
    await redis.start();
    const first = await ctx.deps.sessions.reseal();
    expect(first.destroyed).not.toContain(granted);
    expect(keysOnDisk(ctx).epochs()).toContain(granted);
    await writtenThrough(ctx);
    const id = ctx.deps.sessions.lookup(p.ip)!.record.id;
    const stored = (await ctx.deps.store.getSession(id))!;
    expect(ctx.deps.keys.epochOf(stored.day, stored.sealedAddress)).toBe(granted);
    expect(await ctx.deps.store.getUsage(stored.day, stored.pseudonym)).toBe(3600);

    // A restart now restores the session (its record opens with a key still on disk).
    expect((await restarted(ctx)).lookup(p.ip)?.mac).toBe(p.mac);

    // The next run moves the record on and destroys the old key: kept no longer than it is used.
    const next = await ctx.deps.sessions.reseal();
    expect([next.resealed, next.destroyed]).toEqual([1, [granted]]);
    const moved = (await ctx.deps.store.getSession(id))!;
    expect(ctx.deps.keys.epochOf(moved.day, moved.sealedAddress)).toBe(ctx.deps.keys.epoch());
    const keys = keysOnDisk(ctx);
    expect(keys.epochs()).toEqual([ctx.deps.keys.epoch()]);
    expect(keys.open(stored.day, stored.sealedAddress)).toBeUndefined();
    expect((await restarted(ctx)).lookup(p.ip)?.mac).toBe(p.mac);
  });
});

describe('branch autonomy on SQLite', () => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  test('when a grant is made, then its session and its charge are written in one transaction, and a failed one charges nothing', async () => {
    ctx = await makeTestApp();
    const p = new Patron(ctx.app, '10.0.5.1', mac(70));
    await p.accept();
    const live = ctx.deps.sessions.lookup(p.ip)!.record;
    const r = (await ctx.deps.store.getSession(live.id))!;
    expect(liveRecord(r)).toEqual(live);
    expect(await ctx.deps.store.getUsage(r.day, r.pseudonym)).toBe(3600);
    const other = { ...r, id: 'x'.repeat(32), code: 'ZZZZZZ' };
    await expect(ctx.deps.store.grantSession(other, { seconds: Number.NaN, expiresAt: Date.now() + HOUR })).rejects.toThrow();
    expect(await ctx.deps.store.getSession(other.id)).toBeUndefined();
    expect(await ctx.deps.store.getUsage(r.day, r.pseudonym)).toBe(3600);
  });

  test('when another process holds the database locked past the busy timeout, then the patron is admitted and the grant is written through once after', async () => {
    ctx = await makeTestApp();
    await ctx.deps.sessions.policies.refresh();
    const other = new Database(path.join(ctx.dataDir, SQLITE_FILE));
    other.exec('BEGIN IMMEDIATE');
    const p = new Patron(ctx.app, '10.0.5.2', mac(71));
    try {
      const res = await p.accept();
      expect([res.status, res.headers.location]).toEqual([303, '/status']);
      expect(ctx.deps.sessions.unwrittenGrants).toBe(1);
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    await writtenThrough(ctx);
    const live = ctx.deps.sessions.lookup(p.ip)!.record;
    const r = (await ctx.deps.store.getSession(live.id))!;
    expect(liveRecord(r)).toEqual(live);
    expect(await ctx.deps.store.getUsage(r.day, r.pseudonym)).toBe(3600);
  });
});
