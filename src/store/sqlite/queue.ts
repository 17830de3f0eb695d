// The queue part of the SQLite store: one row per kiosk zone, changed by compare-and-set inside
// an IMMEDIATE transaction, so the server and the CLI (or two server processes) never lose an update.
import type Database from 'better-sqlite3';
import type { Clock } from '../../domain/clock';
import type { QueueStore, StoredQueue, ZoneQueue } from '../queue-types';
import { ExpiredRows } from './chunked-delete';

function prepare(db: Database.Database) {
  const read = db.prepare<{ zoneId: string; now: number }, { version: number; doc: string }>(
    'SELECT version, doc FROM queue_zones WHERE zone_id = @zoneId AND expires_at > @now',
  );
  const put = db.prepare<{ zoneId: string; version: number; doc: string; expiresAt: number }>(
    'INSERT OR REPLACE INTO queue_zones (zone_id, version, doc, expires_at) VALUES (@zoneId, @version, @doc, @expiresAt)',
  );
  const drop = db.prepare<[string]>('DELETE FROM queue_zones WHERE zone_id = ?');
  const expiring = [new ExpiredRows(db, { table: 'queue_zones', indexed: true })];
  const write = db.transaction((zoneId: string, expected: number, doc: string | undefined, expiresAt: number, now: number): boolean => {
    const current = read.get({ zoneId, now })?.version ?? 0;
    if (current !== expected) return false;
    if (doc === undefined) drop.run(zoneId);
    else put.run({ zoneId, version: current + 1, doc, expiresAt });
    return true;
  });
  return { read, write, expiring };
}

export class SqliteQueue implements QueueStore {
  private st: ReturnType<typeof prepare> | undefined;

  constructor(private readonly clock: Clock) {}

  open(db: Database.Database): void {
    this.st = prepare(db);
  }

  close(): void {
    this.st = undefined;
  }

  async read(zoneId: string): Promise<StoredQueue | undefined> {
    const row = this.bound().read.get({ zoneId, now: this.clock.now() });
    return row ? { version: row.version, queue: JSON.parse(row.doc) as ZoneQueue } : undefined;
  }

  async write(zoneId: string, expected: number, next: ZoneQueue | undefined, expiresAt: number): Promise<boolean> {
    const doc = next === undefined ? undefined : JSON.stringify(next);
    return this.bound().write.immediate(zoneId, expected, doc, expiresAt, this.clock.now());
  }

  /** The queues of days gone by, for SqliteStore's sweep. */
  expiring(): readonly ExpiredRows[] {
    return this.bound().expiring;
  }

  private bound(): ReturnType<typeof prepare> {
    if (!this.st) throw new Error('SQLite store is not open: call init() first');
    return this.st;
  }
}
