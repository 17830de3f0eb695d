// Picks the store from the configuration: Redis when a Redis URL is set, else SQLite in DATA_DIR.
import path from 'node:path';
import type { Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { Store } from './types';

/** The SQLite file's name inside DATA_DIR. */
export const SQLITE_FILE = 'threshold.db';

/**
 * Builds the configured store, not yet initialised (call `init()`).
 * `prefix` isolates Redis keys (tests); `clock` decides expiry (default: the system clock);
 * `logger` hears of the Redis client's end and revival.
 */
export function createStore(
  config: { dataDir: string; redisUrl?: string | undefined; storeCommandTimeoutMs?: number | undefined },
  opts: { prefix?: string; clock?: Clock; logger?: Logger } = {},
): Store {
  const clock = opts.clock !== undefined ? { clock: opts.clock } : {};
  // Each backend is loaded only when chosen: ioredis alone costs a gateway on SQLite 18 MiB.
  if (config.redisUrl) {
    const { RedisStore } = require('./redis/store') as typeof import('./redis/store');
    return new RedisStore({
      url: config.redisUrl,
      ...clock,
      ...(opts.prefix !== undefined && { prefix: opts.prefix }),
      ...(opts.logger && { logger: opts.logger }),
      ...(config.storeCommandTimeoutMs !== undefined && { commandTimeoutMs: config.storeCommandTimeoutMs }),
    });
  }
  const { SqliteStore } = require('./sqlite/sqlite-store') as typeof import('./sqlite/sqlite-store');
  return new SqliteStore({ file: path.join(config.dataDir, SQLITE_FILE), ...clock });
}
