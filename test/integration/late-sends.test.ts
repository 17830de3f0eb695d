// The check every Redis connection's commands pass (src/store/redis/late-sends.ts), on a real
// redis-server of the test's own that the test stops and starts again: commands of a call given
// up on while the client waits to reconnect are never sent, whether alone or sharing one
// auto-pipeline with a command that is still wanted (which is sent, its reply its own).
import type { Redis } from 'ioredis';
import { closeRedisClient, createRedisClient } from '../../src/store/redis/connection';
import { GAVE_UP, LateSends } from '../../src/store/redis/late-sends';
import { startOwnRedis, type OwnRedis } from '../helpers/own-redis';

jest.setTimeout(60_000);

describe('commands given up on while Redis is away', () => {
  let redis: OwnRedis;
  let client: Redis;
  let late: LateSends;
  beforeEach(async () => {
    redis = await startOwnRedis();
    client = createRedisClient(redis.url, { enableAutoPipelining: true, retryStrategy: () => 100 }) as Redis;
    client.on('error', () => undefined);
    late = new LateSends();
    late.install(client);
    await client.connect();
  });
  afterEach(async () => {
    await closeRedisClient(client);
    await redis.destroy();
  });

  test('when a call is given up on before the reconnect, then none of its commands runs, and the commands queued with it that are still wanted do', async () => {
    await redis.stop();
    // Issued in one tick: one auto-pipeline, queued until the client reconnects.
    const given = late.run(() => Promise.all([client.set('given:a', '1'), client.incr('given:n')]));
    const kept = Promise.all([client.set('kept:a', '1'), client.incr('kept:n')]);
    const tx = late.run(() => client.multi().set('given:tx1', '1').set('given:tx2', '1').exec());
    given.abandon();
    tx.abandon();
    await redis.start();
    await expect(kept).resolves.toEqual(['OK', 1]);
    await expect(given.result).rejects.toThrow(GAVE_UP);
    await expect(tx.result).rejects.toThrow();
    expect(await client.exists('given:a', 'given:n', 'given:tx1', 'given:tx2')).toBe(0);
    expect(await client.mget('kept:a', 'kept:n')).toEqual(['1', '1']);
    expect(late.dropped).toBeGreaterThan(0);
  });
});
