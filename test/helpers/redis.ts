// Test helpers for the Redis the global setup provides: its URL, unique key prefixes, clean-up.
import crypto from 'node:crypto';
import { prefixPattern } from '../../src/store/redis/keys';
import { closeRedisClient, createRedisClient, redactRedisUrl, scanKeys, type RedisClient } from '../../src/store/redis/connection';

/** The test Redis URL, set by test/helpers/global-setup.ts. */
export function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) throw new Error('TEST_REDIS_URL is not set: run the tests through jest (its globalSetup starts Redis)');
  return url;
}

/** The test Redis Cluster's URL (redis-cluster://...), set by test/helpers/global-setup.ts. */
export function testClusterUrl(): string {
  const url = process.env.TEST_REDIS_CLUSTER_URL;
  if (!url) throw new Error('TEST_REDIS_CLUSTER_URL is not set: run the tests through jest (its globalSetup starts a Redis Cluster)');
  return url;
}

/** The test Sentinel set-up's URL (redis-sentinel://.../mymaster), set by test/helpers/global-setup.ts. */
export function testSentinelUrl(): string {
  const url = process.env.TEST_REDIS_SENTINEL_URL;
  if (!url) throw new Error('TEST_REDIS_SENTINEL_URL is not set: run the tests through jest (its globalSetup starts Sentinel)');
  return url;
}

/** A key prefix no other test uses, such as `t:3f9a0c1d2e4b:`. */
export function uniquePrefix(): string {
  return `t:${crypto.randomBytes(6).toString('hex')}:`;
}

/** A connected client to the test Redis; the caller quits it. */
export async function connectTestRedis(url = testRedisUrl()): Promise<RedisClient> {
  const client = createRedisClient(url, { maxRetriesPerRequest: 1, connectTimeout: 2000, retryStrategy: () => null });
  let lastError: Error | undefined;
  client.on('error', (err: Error) => (lastError = err));
  try {
    await client.connect();
  } catch (err) {
    client.disconnect();
    const why = lastError?.message ?? (err as Error).message;
    throw new Error(`the test Redis at ${redactRedisUrl(url)} does not answer: ${why}`, { cause: err });
  }
  return client;
}

/** Every key under a prefix, from every master when clustered, sorted. */
export async function keysWithPrefix(client: RedisClient, prefix: string): Promise<string[]> {
  return (await scanKeys(client, prefixPattern(prefix))).sort();
}

/** Deletes every key under the given prefixes (never anything else); returns how many. */
export async function deleteKeysWithPrefix(prefixes: string | string[], url = testRedisUrl()): Promise<number> {
  const client = await connectTestRedis(url);
  try {
    let n = 0;
    for (const prefix of Array.isArray(prefixes) ? prefixes : [prefixes]) {
      const keys = await keysWithPrefix(client, prefix);
      // One command per key: keys may sit in different cluster slots.
      const deleted = await Promise.all(keys.map((k) => client.unlink(k)));
      n += deleted.reduce((a, b) => a + b, 0);
    }
    return n;
  } finally {
    await closeRedisClient(client);
  }
}
