// When every node of the store goes and comes back (a power cut of the Redis hosts), the same
// store object works again by itself: its client never gives up for good, and one that ends is
// replaced, so a gateway is never dead until restart.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Cluster } from 'ioredis';
import { createLogger } from '../../src/logger';
import { createStore } from '../../src/store/registry';
import type { Store } from '../../src/store/types';
import { makeSession } from '../contract/store.contract';
import { startCluster, type RedisClusterHa } from '../helpers/redis-ha';
import { freePorts, spawnRedis, stopProcess, waitFor, waitForPong, type RedisProcess } from '../helpers/redis-processes';

/** A store on `url` with its log lines captured. */
async function storeOn(url: string): Promise<{ store: Store; logs: string[] }> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const store = createStore({ dataDir: '/nonexistent', redisUrl: url }, { prefix: `t:${Math.random().toString(36).slice(2)}:`, logger: createLogger('debug', sink) });
  await store.init();
  return { store, logs };
}

/** Writes a session and reads it back. */
async function roundTrip(store: Store): Promise<boolean> {
  const s = makeSession();
  await store.putSession(s);
  return (await store.getSession(s.id))?.id === s.id;
}

const down = (store: Store) => store.ping().then(() => false, () => true);

describe('a store whose every node went and came back', () => {
  describe('on Redis Cluster', () => {
    let ha: RedisClusterHa;
    let store: Store | undefined;
    beforeAll(async () => {
      ha = await startCluster();
    }, 60_000);
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });
    afterAll(async () => {
      await ha?.stop();
    });

    test('when all six nodes stop and start again, then the same store writes and reads sessions again', async () => {
      const opened = await storeOn(ha.url);
      store = opened.store;
      expect(await roundTrip(store)).toBe(true);

      await ha.stopNodes();
      await waitFor('the store to see the cluster gone', () => down(store!), []);
      await ha.startNodes();
      await waitFor('the same store to write and read a session again', () => roundTrip(store!), ha.procs, 40_000);
      expect(opened.logs.join('')).not.toMatch(/127\.0\.0\.1|localhost/);
    }, 90_000);

    test('when the cluster client gives up for good while every node is down, then a fresh one takes its place and the same store works again', async () => {
      const opened = await storeOn(ha.url);
      store = opened.store;
      expect(await roundTrip(store)).toBe(true);
      // What ioredis's own strategy does after enough attempts: give up, and end the client.
      const ended = (store as unknown as { client: Cluster }).client;
      ended.options.clusterRetryStrategy = () => null;
      const end = new Promise<void>((resolve) => ended.once('end', () => resolve()));

      await ha.stopNodes();
      await end;
      await waitFor('a fresh client in its place', async () => store!.clientRevivals === 1, []);
      await ha.startNodes();
      await waitFor('the same store to write and read a session again', () => roundTrip(store!), ha.procs, 40_000);
      expect((store as unknown as { client: Cluster }).client).not.toBe(ended);
      await waitFor('the revival logged', async () => opened.logs.join('').includes('"event":"store.client_revived"'), []);
      const logs = opened.logs.join('');
      expect(logs.split('"event":"store.client_ended"')).toHaveLength(2);
      expect(logs).not.toMatch(/127\.0\.0\.1|localhost/);
      expect(store.clientRevivals).toBe(1);
    }, 90_000);
  });

  describe('on a standalone Redis', () => {
    let dir: string;
    let redis: RedisProcess;
    let store: Store | undefined;
    beforeAll(async () => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-reconnect-'));
      const [port] = await freePorts(1);
      redis = spawnRedis(dir, port!, []);
      await waitForPong([redis]);
    });
    afterEach(async () => {
      await store?.close();
      store = undefined;
    });
    afterAll(async () => {
      await stopProcess(redis);
      fs.rmSync(dir, { recursive: true, force: true });
    });

    test('when the server stops and starts again, then the same store writes and reads sessions again', async () => {
      const opened = await storeOn(`redis://127.0.0.1:${redis.port}`);
      store = opened.store;
      expect(await roundTrip(store)).toBe(true);

      await stopProcess(redis);
      await waitFor('the store to see Redis gone', () => down(store!), []);
      redis = spawnRedis(dir, redis.port, []);
      await waitForPong([redis]);
      await waitFor('the same store to write and read a session again', () => roundTrip(store!), [redis]);
      expect(opened.logs.join('')).not.toMatch(/127\.0\.0\.1|localhost/);
    }, 60_000);
  });
});
