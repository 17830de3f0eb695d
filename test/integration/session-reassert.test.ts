// After the store reconnects (or fails over), the gateway writes back the live sessions the
// store lost, so a write dropped by a demoted master comes back and nobody is logged out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';
import type { Redis } from 'ioredis';
import { askNode, freePorts, spawnRedis, stopProcess, waitFor, waitForPong, type RedisProcess } from '../helpers/redis-processes';

describe('re-asserting live sessions after a reconnect', () => {
  let dir: string;
  let redis: RedisProcess;
  let ctx: TestContext | undefined;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-reassert-'));
    const [port] = await freePorts(1);
    redis = spawnRedis(dir, port!, []);
    await waitForPong([redis]);
  });
  afterEach(async () => {
    await ctx?.close();
    ctx = undefined;
  });
  afterAll(async () => {
    await stopProcess(redis);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const liveIds = () => ctx!.deps.sessions.live.all().map((s) => s.record.id).sort();
  const allStored = async (ids: string[]) => (await Promise.all(ids.map((id) => ctx!.deps.store.getSession(id)))).every((s) => s !== undefined);

  /** Grants `count` sessions, then deletes the first `lost` from the store, as if a demoted master had dropped those writes. */
  async function grantAndLose(net: number, count: number, lost: number): Promise<string[]> {
    ctx = await makeTestApp({ config: { redisUrl: `redis://127.0.0.1:${redis.port}` } });
    for (let i = 0; i < count; i++) await new Patron(ctx.app, `10.0.${net}.${10 + i}`, `aa:bb:cc:dd:${net}0:${10 + i}`).accept();
    const ids = liveIds();
    expect(ids).toHaveLength(count);
    for (const id of ids.slice(0, lost)) await ctx.deps.store.deleteSession(id);
    return ids;
  }

  test('when the store lost live sessions and the connection comes back, then they are written back and the reconcile keeps them', async () => {
    const ids = await grantAndLose(0, 5, 3);

    await askNode(redis.port, 'CLIENT', 'KILL', 'TYPE', 'normal');
    await waitFor('the lost sessions to be written back', () => allStored(ids), [redis]);

    await ctx!.deps.sessions.reconcile();
    expect(liveIds()).toEqual(ids);
    expect((await ctx!.deps.store.listSessions(ctx!.deps.config.gatewayId)).map((s) => s.id).sort()).toEqual(ids);
  });

  test('when the first write-back after a reconnect fails, then it is tried again while the store answers and the reconcile ends none of the sessions meanwhile', async () => {
    const ids = await grantAndLose(1, 4, 2);
    const failures = () => ctx!.logs.filter((l) => l.includes('"event":"sessions.reassert_failed"')).length;

    // The store answers reads but refuses every write (out of memory): the pass after the
    // reconnect fails, and no reconnect follows.
    await askNode(redis.port, 'CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    await askNode(redis.port, 'CONFIG', 'SET', 'maxmemory', '1');
    try {
      await askNode(redis.port, 'CLIENT', 'KILL', 'TYPE', 'normal');
      await waitFor('a failed write-back', async () => failures() > 0, [redis]);
      // Meanwhile the reconcile does not take the sessions the store lacks for ended elsewhere.
      await ctx!.deps.sessions.reconcile();
      expect(liveIds()).toEqual(ids);
      expect(await ctx!.deps.store.getSession(ids[0]!)).toBeUndefined();
    } finally {
      await askNode(redis.port, 'CONFIG', 'SET', 'maxmemory', '0');
    }
    await waitFor('the lost sessions to be written back without another reconnect', () => allStored(ids), [redis]);
    await ctx!.deps.sessions.reconcile();
    expect(liveIds()).toEqual(ids);
  });

  test('when the store client stops reconnecting by itself, then a fresh one takes its place and the lost sessions are written back', async () => {
    const ids = await grantAndLose(2, 3, 2);
    const client = (ctx!.deps.store as unknown as { client: Redis }).client;
    expect(client.status).toBe('ready');
    // What a Sentinel failover detector does when +switch-master arrives while the client
    // reconnects: it closes the connector mid-connect, and ioredis ends ('end') for good.
    const connector = (client as unknown as { connector: { connect(...a: unknown[]): Promise<unknown>; disconnect(): void } }).connector;
    const connect = connector.connect.bind(connector);
    connector.connect = (...a) => {
      connector.connect = connect;
      const connecting = connect(...a);
      connector.disconnect();
      return connecting;
    };
    const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
    await askNode(redis.port, 'CLIENT', 'KILL', 'TYPE', 'normal');
    await ended;
    await waitFor('the lost sessions to be written back', () => allStored(ids).catch(() => false), [redis]);
    // The same store, on a fresh client that took the ended one's place.
    const now = (ctx!.deps.store as unknown as { client: Redis }).client;
    expect(now).not.toBe(client);
    expect(now.status).toBe('ready');
    expect(ctx!.deps.store.clientRevivals).toBe(1);
    const logs = ctx!.logs.join('');
    expect(logs).toContain('"event":"store.client_ended"');
    expect(logs).toContain('"event":"store.client_revived"');
  });

  test('when the store stops and comes back, then the write-back waits while the breaker holds it away, pings first, and logs one failure and one recovery', async () => {
    const ids = await grantAndLose(3, 3, 2);
    const count = (event: string) => ctx!.logs.filter((l) => l.includes(`"event":"${event}"`)).length;
    const store = ctx!.deps.store;
    const pings = jest.spyOn(store, 'ping');
    const sync = (ctx!.deps.sessions as unknown as { sync: { reassertLive(): Promise<number> } }).sync;

    await stopProcess(redis);
    // A patron's call finds the store gone: the breaker holds it as away for a while.
    const { breaker } = ctx!.deps.sessions;
    await breaker.run(() => store.getSession(ids[0]!)).catch(() => undefined);
    expect(breaker.away).toBe(true);
    await sync.reassertLive();
    expect(breaker.away).toBe(true);
    // Not tried at all: not even a PING.
    expect(pings).not.toHaveBeenCalled();
    expect(count('sessions.reassert_failed')).toBe(1);

    // Retries go on while the store is away, each a PING only, and none is logged again.
    await waitFor('two retries that pinged', async () => pings.mock.calls.length >= 2, [], 30_000);
    expect(count('sessions.reassert_failed')).toBe(1);

    // It comes back empty (no persistence): every live session is written back.
    redis = spawnRedis(dir, redis.port, []);
    await waitForPong([redis]);
    await waitFor('the live sessions to be written back', () => allStored(ids), [redis], 30_000);
    await waitFor('the recovery logged', async () => count('sessions.reassert_recovered') === 1, [redis]);
    expect(count('sessions.reassert_failed')).toBe(1);
    expect(count('sessions.reassert_recovered')).toBe(1);
    expect(ctx!.logs.filter((l) => l.includes('sessions.reassert_')).join('')).not.toContain(String(redis.port));
    pings.mockRestore();
  }, 60_000);
});
