// Runs the Store contract against a real Redis (a unique key prefix per test), plus what only Redis has.
import net from 'node:net';
import { Cluster, Redis } from 'ioredis';
import { policySchema } from '../../src/config/schema';
import { ManualClock } from '../../src/domain/clock';
import { createStore } from '../../src/store/registry';
import { RedisStore } from '../../src/store/redis/store';
import { createRedisClient, redactRedisUrl, type RedisClient } from '../../src/store/redis/connection';
import * as K from '../../src/store/redis/keys';
import { SESSION_GRACE_MS } from '../../src/store/types';
import { connectTestRedis, deleteKeysWithPrefix, keysWithPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis';
import { describeGrantContract } from './grant.contract';
import { describeSessionCasContract } from './session-cas.contract';
import { describeStoreContract, makeSession } from './store.contract';

const HOUR = 3_600_000;
const prefixes: string[] = [];

function newStore(opts: { clock?: ManualClock } = {}): RedisStore {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  return new RedisStore({ url: testRedisUrl(), prefix, ...opts });
}

afterEach(async () => {
  await deleteKeysWithPrefix(prefixes.splice(0));
});

describeStoreContract('redis', async () => {
  const store = newStore();
  await store.init();
  return store;
});

describeGrantContract('redis', async () => {
  const store = newStore();
  await store.init();
  return store;
});

describeSessionCasContract('redis', async () => {
  const store = newStore();
  await store.init();
  const prefix = prefixes[prefixes.length - 1]!;
  return {
    store,
    async second() {
      const b = new RedisStore({ url: testRedisUrl(), prefix });
      await b.init();
      return b;
    },
  };
});

describe('RedisStore', () => {
  let admin: RedisClient;
  beforeAll(async () => {
    admin = await connectTestRedis();
  });
  afterAll(async () => {
    await admin.quit();
  });

  test('when the store writes every kind of record, then keys written together share a hash tag and all but policies expire', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const store = new RedisStore({ url: testRedisUrl(), prefix });
    await store.init();
    try {
      await store.putSession(makeSession({ gatewayId: 'gw1', code: 'AAAAAA' }));
      await store.putSession(makeSession({ gatewayId: 'gw2' }));
      await store.addUsage('2026-11-21', 'p1', 60, Date.now() + HOUR);
      await store.setPolicy('wifi', policySchema.parse({}));
      await store.bumpStats('wifi', Date.UTC(2026, 10, 21, 10), { sessionsStarted: 1 }, Date.now() + HOUR);
      await store.raisePeak('wifi', Date.UTC(2026, 10, 21, 10), 3, Date.now() + HOUR);
    } finally {
      await store.close();
    }
    const keys = await keysWithPrefix(admin, prefix);
    const rest = keys.map((k) => k.slice(prefix.length));
    // Keys changed together in one MULTI or script carry a tag; the rest are single keys.
    const tagged = rest.filter((k) => /^\{[^}]+\}:/.test(k));
    const single = rest.filter((k) => !/^\{[^}]+\}:/.test(k));
    const shardTags = new Set(tagged.filter((k) => k.startsWith('{s:')).map((k) => k.slice(0, k.indexOf('}') + 1)));
    expect(new Set(tagged.map((k) => k.slice(0, k.indexOf('}') + 1)))).toEqual(new Set([...shardTags, '{stats}', '{cfg}']));
    expect([...shardTags].every((t) => /^\{s:\d+\}$/.test(t))).toBe(true);
    // In a shard: session records, their codes (in the code's own shard), a device's usage, and each gateway's indexes.
    const inShard = tagged.filter((k) => k.startsWith('{s:')).map((k) => k.slice(k.indexOf('}') + 2));
    expect(new Set(inShard.map((k) => (k.startsWith('gw:') ? `gw:${k.split(':')[2]}` : k.split(':')[0])))).toEqual(
      new Set(['session', 'code', 'usage', 'gw:sessions', 'gw:zone', 'gw:zones']),
    );
    expect(rest).toContain(`${K.shardTag(K.shardOf('AAAAAA'))}:code:AAAAAA`);
    expect(new Set(inShard.filter((k) => k.startsWith('gw:')).map((k) => k.split(':')[1]))).toEqual(new Set(['gw1', 'gw2']));
    expect(tagged.filter((k) => k.startsWith('{stats}:')).map((k) => k.split(':')[1]).sort()).toEqual(['hours', 'row']);
    for (const k of single) expect(k).toMatch(/^(sid:[^:]+|gateways)$/);
    for (const key of keys) {
      const pttl = await admin.pttl(key);
      if (key.includes('{cfg}:policy:') || key.endsWith('{cfg}:layout')) expect(pttl).toBe(-1);
      else expect({ key, expires: pttl > 0 }).toEqual({ key, expires: true });
    }
  });

  test('when a session is put, then its keys expire at endsAt plus the grace period', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const store = new RedisStore({ url: testRedisUrl(), prefix });
    await store.init();
    try {
      const s = makeSession({ endsAt: Date.now() + 60_000 });
      await store.putSession(s);
      for (const key of (await keysWithPrefix(admin, prefix)).filter((k) => !k.endsWith('{cfg}:layout'))) {
        const pttl = await admin.pttl(key);
        expect(pttl).toBeGreaterThan(60_000 + SESSION_GRACE_MS - 5_000);
        expect(pttl).toBeLessThanOrEqual(60_000 + SESSION_GRACE_MS);
      }
    } finally {
      await store.close();
    }
  });

  test('when a clock is injected, then TTLs count from that clock', async () => {
    const clock = new ManualClock(Date.now() - 30 * 86_400_000);
    const store = newStore({ clock });
    await store.init();
    try {
      const s = makeSession({ startedAt: clock.now(), endsAt: clock.now() + HOUR });
      await store.putSession(s);
      await store.addUsage('2026-10-22', 'p1', 60, clock.now() + HOUR);
      expect(await store.getSession(s.id)).toEqual(s);
      expect(await store.listSessions('gw1')).toEqual([s]);
      expect(await store.getUsage('2026-10-22', 'p1')).toBe(60);
    } finally {
      await store.close();
    }
  });

  test('when stale ids are swept, then the per-gateway session set keeps only live sessions', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const store = new RedisStore({ url: testRedisUrl(), prefix });
    await store.init();
    try {
      const live = makeSession();
      await store.putSession(live);
      await store.putSession(makeSession({ endsAt: Date.now() - SESSION_GRACE_MS + 300 }));
      await new Promise((r) => setTimeout(r, 400));
      await store.sweep(Date.now());
      const indexes = K.ALL_SHARDS.map((n) => K.gatewaySessionsKey(prefix, n, 'gw1'));
      expect((await Promise.all(indexes.map((k) => admin.zrange(k, '0', '-1')))).flat()).toEqual([live.id]);
    } finally {
      await store.close();
    }
  });

  test('when Redis is down, then init and ping reject within about two seconds, naming the server', async () => {
    const port = await closedPort();
    const store = new RedisStore({ url: `redis://:secret@127.0.0.1:${port}`, prefix: uniquePrefix() });
    const started = Date.now();
    await expect(store.init()).rejects.toThrow(new RegExp(`Redis at redis://:\\*\\*\\*@127\\.0\\.0\\.1:${port} is unreachable`));
    await expect(store.ping()).rejects.toThrow(/does not answer PING/);
    expect(Date.now() - started).toBeLessThan(4000); // about two seconds, with room for a loaded machine
    await store.close();
  });

  test('when a Redis URL is configured, then the registry builds a Redis store', async () => {
    const store = createStore({ dataDir: '/nonexistent', redisUrl: testRedisUrl() }, { prefix: uniquePrefix() });
    expect(store.kind).toBe('redis');
    await store.close();
  });
});

describe('Redis URLs', () => {
  test('when a sentinel URL is given, then the client asks those sentinels for the named master', () => {
    const client = createRedisClient('redis-sentinel://:pw@s1:26380,[::1],s3/mymaster', {}) as Redis;
    expect(client.options.sentinels).toEqual([
      { host: 's1', port: 26380 },
      { host: '::1', port: 26379 },
      { host: 's3', port: 26379 },
    ]);
    expect(client.options.name).toBe('mymaster');
    expect(client.options.password).toBe('pw');
    client.disconnect();
  });

  test('when a cluster URL is given, then the client starts from those nodes', () => {
    const client = createRedisClient('redis-cluster://n1:7000,n2:7001', { enableOfflineQueue: false });
    expect(client).toBeInstanceOf(Cluster);
    // startupNodes is private in the typings but is where ioredis keeps the nodes it was given.
    expect((client as unknown as { startupNodes: unknown }).startupNodes).toEqual([
      { host: 'n1', port: 7000 },
      { host: 'n2', port: 7001 },
    ]);
    client.disconnect();
  });

  test('when a URL is malformed or of another scheme, then the error says what is expected without the password', () => {
    expect(() => createRedisClient('redis-sentinel://s1:26379', {})).toThrow(/master's name/);
    expect(() => createRedisClient('http://user:pw@x', {})).toThrow(/must start with redis:\/\//);
    expect(redactRedisUrl('rediss://user:pw@host:6380/0')).toBe('rediss://user:***@host:6380/0');
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const addr = server.address();
      server.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}
