// Dropping the ids of expired records from a sorted-set index a bounded batch per script, the
// event loop let run between batches: every index trim of the Redis store's sweep goes through here.
import { yieldToLoop } from '../../jobs/chunks';
import type { SweepOptions } from '../types';
import type { RedisClient } from './connection';
import { TRIM_EXPIRED, runScript } from './scripts';

/** At most this many members removed per script (a script holds Redis while it runs). */
export const TRIM_BATCH = 500;

/**
 * Removes every member of `key` scored `upTo` or less, TRIM_BATCH (or `opts.max`) at a time;
 * one key per script, so it runs on Cluster. `kind` names the index to `opts.onBatch`.
 * Resolves the members removed.
 */
export async function trimExpired(client: RedisClient, key: string, upTo: number, kind: string, opts: SweepOptions = {}): Promise<number> {
  const most = Math.max(1, Math.min(opts.max ?? TRIM_BATCH, TRIM_BATCH));
  const pause = opts.pause ?? yieldToLoop;
  let total = 0;
  for (;;) {
    const removed = Number(await runScript(client, TRIM_EXPIRED, [key], [upTo, most]));
    total += removed;
    opts.onBatch?.(kind, removed);
    if (removed < most) return total;
    await pause();
  }
}
