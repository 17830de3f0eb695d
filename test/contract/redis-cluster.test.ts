// What only Redis Cluster and Sentinel have: the staff sign-in limiter's scripts on every master,
// the client's failover options, and a frozen store failing a command in bounded time.
import { Cluster, Redis } from 'ioredis';
import type { QueueService } from '../../src/queue/queue-service';
import { RedisStore } from '../../src/store/redis/store';
import { createStore } from '../../src/store/registry';
import { SteppingClock, addPcs, queueServiceOn } from './queue.contract';
import { closeRedisClient, createRedisClient, type RedisClient } from '../../src/store/redis/connection';
import { connectTestRedis, deleteKeysWithPrefix, testClusterUrl, testSentinelUrl, uniquePrefix } from '../helpers/redis';
import { freePorts, spawnRedis, stopProcess, waitForPong } from '../helpers/redis-processes';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HOUR = 3_600_000;

describe('Redis Cluster', () => {
  const prefixes: string[] = [];
  let admin: RedisClient;
  beforeAll(async () => {
    admin = await connectTestRedis(testClusterUrl());
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(prefixes, testClusterUrl());
    await closeRedisClient(admin);
  });

  test('when the staff sign-in limiter starts fresh, then it counts keys on every master (no NOSCRIPT)', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    // A fresh start: no master has the limiter's scripts yet.
    await Promise.all((admin as Cluster).nodes('master').map((n) => n.script('FLUSH')));
    const store = new RedisStore({ url: testClusterUrl(), prefix });
    await store.init();
    try {
      const limiter = store.staff.sharedRateLimit('staff-login');
      await limiter.init?.({ windowMs: HOUR } as never);
      // Enough client keys that every master holds some of them.
      const keys = Array.from({ length: 30 }, (_, i) => `client-${i}`);
      const masters = new Set(keys.map((k) => (admin as Cluster).slots[slotOf(`${prefix}rl:staff-login:${k}`)]?.[0]));
      expect(masters.size).toBe(3);
      for (const k of keys) expect((await limiter.increment(k)).totalHits).toBe(1);
      expect((await limiter.increment('client-0')).totalHits).toBe(2);
    } finally {
      await store.close();
    }
  });

  test('when two gateways take tickets and settle the same kiosk queue at once on Cluster, then numbers are unique and each PC is held once', async () => {
    const prefix = uniquePrefix();
    prefixes.push(prefix);
    const stores = [new RedisStore({ url: testClusterUrl(), prefix }), new RedisStore({ url: testClusterUrl(), prefix })];
    await Promise.all(stores.map((s) => s.init()));
    try {
      const clock = new SteppingClock();
      const [one, two] = stores.map((s) => queueServiceOn(s, clock)) as [QueueService, QueueService];
      const taken = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? one : two).take('kiosks')));
      expect(new Set(taken.map((t) => (t.ok ? t.label : 'refused'))).size).toBe(12);
      await addPcs(stores[0]!, clock, ['pc-1', 'pc-2', 'pc-3']);
      await Promise.all([one.settle('kiosks'), two.settle('kiosks'), one.settle('kiosks')]);
      const board = await two.board('kiosks');
      expect(board.held.map((h) => h.pc).sort()).toEqual(['pc-1', 'pc-2', 'pc-3']);
      expect(board.held.map((h) => h.number).sort((a, b) => a - b)).toEqual([1, 2, 3]);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  test('when a cluster client is built, then it retries failovers, CLUSTERDOWN and TRYAGAIN a bounded number of times', () => {
    const client = createRedisClient(testClusterUrl(), {}) as Cluster;
    expect(client.options).toMatchObject({ retryDelayOnFailover: 300, retryDelayOnClusterDown: 300, retryDelayOnTryAgain: 100, maxRedirections: 40 });
    client.disconnect();
  });
});

describe('Redis Sentinel', () => {
  test('when a sentinel client is built, then it listens for failovers (failoverDetector)', () => {
    const client = createRedisClient(testSentinelUrl(), {}) as Redis;
    expect(client.options.failoverDetector).toBe(true);
    client.disconnect();
  });
});

/** The frozen store's command timeout in this test. */
const FROZEN_TIMEOUT_MS = 1500;

describe('a frozen Redis', () => {
  test('when Redis stops answering, then a store command fails instead of hanging', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-frozen-'));
    const [port] = await freePorts(1);
    const proc = spawnRedis(dir, port!, []);
    await waitForPong([proc]);
    // Shorter than the 5 s default: the same bound, sooner; built as the gateway builds it from its config.
    const store = createStore({ dataDir: dir, redisUrl: `redis://127.0.0.1:${port}`, storeCommandTimeoutMs: FROZEN_TIMEOUT_MS }, { prefix: uniquePrefix() });
    await store.init();
    try {
      await store.setPolicy('wifi', {} as never).catch(() => undefined);
      proc.child.kill('SIGSTOP');
      const started = Date.now();
      await expect(store.getUsage('2026-11-21', 'p1')).rejects.toThrow(/timed out/i);
      // Not before its own timeout (the upper bound is the test's: a busy machine adds to it).
      expect(Date.now() - started).toBeGreaterThanOrEqual(FROZEN_TIMEOUT_MS - 50);
    } finally {
      proc.child.kill('SIGCONT');
      await store.close();
      await stopProcess(proc);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The cluster slot of a key (CRC16 of its hash tag or of the whole key, mod 16384). */
function slotOf(key: string): number {
  const open = key.indexOf('{');
  const close = open >= 0 ? key.indexOf('}', open + 1) : -1;
  const part = close > open + 1 ? key.slice(open + 1, close) : key;
  let crc = 0;
  for (const byte of Buffer.from(part)) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}
