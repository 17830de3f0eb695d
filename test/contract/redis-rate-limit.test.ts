// The rate-limit store on Redis: a script load cut off by a closing connection is no error at
// start and no lasting fault: the next count loads the script again.
import type { RedisClient } from '../../src/store/redis/connection';
import { createRedisClient } from '../../src/store/redis/connection';
import { ReloadingRedisStore } from '../../src/store/redis/rate-limit';
import { connectTestRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis';

const HOUR = 3_600_000;

describe('the Redis rate-limit store', () => {
  const prefix = uniquePrefix();
  afterAll(() => deleteKeysWithPrefix(prefix));

  it('when the connection is closed before the scripts are loaded, then init does not fail and the next count loads them again', async () => {
    const closing = createRedisClient(testRedisUrl(), { retryStrategy: () => null });
    closing.on('error', () => undefined);
    let client: RedisClient = closing;
    const store = new ReloadingRedisStore({ prefix, sendCommand: (command: string, ...args: string[]) => client.call(command, ...args) as never });
    const init = store.init({ windowMs: HOUR } as never);
    closing.disconnect();
    await expect(init).resolves.toBeUndefined();

    client = await connectTestRedis();
    try {
      expect((await store.increment('client')).totalHits).toBe(1);
      expect((await store.increment('client')).totalHits).toBe(2);
      expect((await store.get('client'))?.totalHits).toBe(2);
    } finally {
      await client.quit();
    }
  });
});
