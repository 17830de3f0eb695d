// Deleting many SQLite rows without holding the event loop: each statement deletes a bounded
// batch and the loop runs between statements. Every sweep and purge of the SQLite store goes through here.
import { performance } from 'node:perf_hooks';
import type Database from 'better-sqlite3';
import { FIRST_CHUNK, SLICE_MS, nextChunkSize, yieldToLoop, type Pace } from '../../jobs/chunks';
import type { SweepOptions } from '../types';

/**
 * At most this many rows per statement, fewer where rows cost more (see inChunks): a session
 * row, with its indexes zeroed by secure_delete, costs several times a usage row.
 */
export const DELETE_CHUNK = 500;

/**
 * A table whose rows carry an `expires_at` (NULL: never). `indexed`: an index on expires_at
 * finds the expired rows; without one the sweep walks the table by rowid a batch at a time, so
 * no statement scans more than a batch of rows, live ones included.
 */
export interface ExpiringTable {
  table: string;
  indexed: boolean;
  /** The primary key of a WITHOUT ROWID table ("day, pseudonym"); rowid otherwise. */
  key?: string;
}

/** One sweep of a table: `(n)` deletes a batch, resolving how many rows it looked at (fewer than n: done) and deleted. */
type Batch = (n: number) => { seen: number; deleted: number };

/** Prepares `DELETE FROM table WHERE key IN (SELECT key ... WHERE where LIMIT ?)`: at most `?` rows by an index. */
export function limitedDelete(db: Database.Database, table: string, where: string, key = 'rowid'): Database.Statement<[number | string, number]> {
  return db.prepare<[number | string, number]>(`DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ?)`);
}

/** The sweep of one table's expired rows, its statements prepared once. */
export class ExpiredRows {
  readonly kind: string;
  private readonly begin: (now: number) => Batch;

  constructor(db: Database.Database, t: ExpiringTable) {
    this.kind = t.table;
    if (t.indexed) {
      const del = limitedDelete(db, t.table, 'expires_at <= ?', t.key);
      this.begin = (now) => (n) => {
        const deleted = del.run(now, n).changes;
        return { seen: deleted, deleted };
      };
      return;
    }
    // No index on expires_at: rowid ranges, the next batch starting after the last row seen.
    const range = db.prepare<[number, number], { upto: number | null; seen: number }>(
      `SELECT MAX(rowid) AS upto, COUNT(*) AS seen FROM (SELECT rowid FROM ${t.table} WHERE rowid > ? ORDER BY rowid LIMIT ?)`,
    );
    const del = db.prepare<[number, number, number]>(`DELETE FROM ${t.table} WHERE rowid > ? AND rowid <= ? AND expires_at <= ?`);
    this.begin = (now) => {
      let after = -Infinity;
      return (n) => {
        const r = range.get(after, n);
        if (!r || r.upto === null) return { seen: 0, deleted: 0 };
        const deleted = del.run(after, r.upto, now).changes;
        after = r.upto;
        return { seen: r.seen, deleted };
      };
    };
  }

  /** Deletes every row expired at `now`, a batch per statement; resolves the rows deleted. */
  async sweep(now: number, opts: SweepOptions = {}): Promise<number> {
    const batch = this.begin(now);
    let total = 0;
    await inChunks((n) => {
      const { seen, deleted } = batch(n);
      total += deleted;
      opts.onBatch?.(this.kind, deleted);
      return seen;
    }, opts);
    return total;
  }
}

/** Sweeps each table in turn. */
export async function sweepTables(tables: readonly ExpiredRows[], now: number, opts: SweepOptions = {}): Promise<void> {
  for (const t of tables) await t.sweep(now, opts);
}

/**
 * Runs a chunked delete (`run(n)` deletes at most n rows, returning how many it did or looked
 * at) until a chunk comes back short, letting the event loop run in between. Each statement is
 * sized to take about SLICE_MS at the pace the last one ran (chunks.ts), at most `max`
 * (DELETE_CHUNK) rows. Resolves the statements run.
 */
export async function inChunks(run: (n: number) => number, pace: Pick<Pace, 'now' | 'pause' | 'max'> = {}): Promise<number> {
  const now = pace.now ?? (() => performance.now());
  const pause = pace.pause ?? yieldToLoop;
  const max = Math.min(pace.max ?? DELETE_CHUNK, DELETE_CHUNK);
  let size = Math.min(FIRST_CHUNK, max);
  for (let statements = 1; ; statements++) {
    const started = now();
    if (run(size) < size) return statements;
    size = Math.min(max, nextChunkSize(size, now() - started, SLICE_MS, max));
    await pause();
  }
}
