// Small helpers for Redis transactions and pipelines, shared by the Redis store's parts.
import type { ChainableCommander } from 'ioredis';

/** Gives a key a TTL if it has none, else lengthens it (never shortens it). */
export function extendExpiry(tx: ChainableCommander, key: string, ttl: number): ChainableCommander {
  return tx.pexpire(key, ttl, 'NX').pexpire(key, ttl, 'GT');
}

/** Runs a MULTI or pipeline and returns its results, throwing the first command error. */
export async function exec(tx: ChainableCommander): Promise<unknown[]> {
  const results = await tx.exec();
  if (!results) throw new Error('Redis transaction was aborted');
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
