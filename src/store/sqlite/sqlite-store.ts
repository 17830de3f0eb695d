// The SQLite store: the embedded default, one file in DATA_DIR shared by the server and the CLI.
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { policySchema, type Policy } from '../../config/schema';
import { systemClock, type Clock } from '../../domain/clock';
import { STAT_COUNTERS, SESSION_GRACE_MS, emptyCounts, parseCursor, sessionCursor, type GrantCharge, type GrantCheck, type GrantConflict, type HourlyStats, type LibrarySettingName, type ScanOptions, type SealedChange, type SessionPage, type SessionRecord, type StatCounter, type Store, type SweepOptions, type UsageChange } from '../types';
import { finite } from '../finite';
import { column } from './migrations';
import { openDatabase } from './open-database';
import { prepare, sessionParams, toSession } from './statements';
import { inChunks, sweepTables } from './chunked-delete';
import { CHECKPOINT_PAGES, Checkpointer, type CheckpointerOptions } from './checkpointer';
import { SqliteStaffStore } from './staff-store';
import { SqliteWorkstations } from './workstations';
import { SqliteQueue } from './queue';

/** The file's application id (PRAGMA application_id): "THRS", rewritten by the write probe. */
const APPLICATION_ID = 0x54485253;

/**
 * Keeps everything in one SQLite file (WAL, `secure_delete`), safe for the server and the
 * `threshold` CLI to open at once. Records past their expiry (by the injected clock) are
 * invisible at once and are deleted by `sweep`.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private db: Database.Database | undefined;
  private statements: ReturnType<typeof prepare> | undefined;
  private checkpointer: Checkpointer | undefined;

  private readonly clock: Clock;
  readonly staff: SqliteStaffStore;
  // Public workstations.
  readonly workstations: SqliteWorkstations;
  // Kiosk zones' waiting lists.
  readonly queue: SqliteQueue;

  /**
   * `clock` decides what has expired (default: the system clock); tests may inject theirs.
   * `checkpoints`: how the WAL is copied into the main file and truncated; by default in a worker
   * thread (checkpointer.ts), `false` on this connection as SQLite does by itself (inline).
   */
  constructor(private readonly opts: { file: string; clock?: Clock; checkpoints?: CheckpointerOptions | false }) {
    this.clock = opts.clock ?? systemClock;
    this.staff = new SqliteStaffStore(this.clock);
    this.workstations = new SqliteWorkstations(this.clock);
    this.queue = new SqliteQueue(this.clock);
  }

  async init(): Promise<void> {
    if (this.db) return;
    const db = openDatabase(this.opts.file);
    try {
      this.statements = prepare(db);
      this.staff.open(db);
      this.workstations.open(db);
      this.queue.open(db);
      this.db = db;
      if (this.opts.checkpoints !== false) this.startCheckpointer(db);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.checkpointer?.stop();
    this.checkpointer = undefined;
    this.db?.close();
    this.db = undefined;
    this.staff.close();
    this.workstations.close();
    this.queue.close();
    this.statements = undefined;
  }

  async ping(): Promise<void> {
    if (!this.db) throw new Error(`SQLite store ${this.opts.file} is not open`);
    this.db.prepare('SELECT 1').get();
  }

  /**
   * Rewrites the file's application id (the same value each time) in a write transaction, so
   * the write reaches the WAL and fails as a session's would on a full or read-only disk.
   */
  async checkWritable(_gatewayId: string): Promise<void> {
    if (!this.db) throw new Error(`SQLite store ${this.opts.file} is not open`);
    try {
      this.db.pragma(`application_id = ${APPLICATION_ID}`);
    } catch (err) {
      throw new Error(`SQLite store ${this.opts.file} cannot be written: ${(err as Error).message}`, { cause: err });
    }
  }

  async putSession(s: SessionRecord): Promise<void> {
    this.st().putSession.run(sessionParams(s));
  }

  /** One transaction: the session and its charge are written together, or neither is. */
  async grantSession(s: SessionRecord, charge: GrantCharge, check?: GrantCheck): Promise<boolean | GrantConflict> {
    finite(charge.seconds, 'seconds');
    if (check) finite(check.usedSeconds, 'usedSeconds');
    return this.st().grant.immediate(sessionParams(s), charge, this.clock.now(), check);
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    return toSession(this.st().getSession.get({ id, now: this.clock.now() }));
  }

  async getSessions(ids: readonly string[]): Promise<(SessionRecord | undefined)[]> {
    const now = this.clock.now();
    const get = this.st().getSession;
    return ids.map((id) => toSession(get.get({ id, now })));
  }

  async findSessionByCode(code: string): Promise<SessionRecord | undefined> {
    return toSession(this.st().findByCode.get({ code, now: this.clock.now() }));
  }

  async listSessions(gatewayId?: string): Promise<SessionRecord[]> {
    const now = this.clock.now();
    const rows =
      gatewayId === undefined ? this.st().listAll.all({ now }) : this.st().listGateway.all({ gatewayId, now });
    return rows.map((r) => toSession(r)!);
  }

  async scanSessions(gatewayId: string | undefined, cursor: string | undefined, limit: number, opts: ScanOptions = {}): Promise<SessionPage> {
    const st = this.st();
    const at = cursor === undefined ? undefined : parseCursor(cursor);
    if (cursor !== undefined && !at) throw new RangeError('not a session cursor');
    const down = opts.backward === true;
    // Live = still in the store: expires_at = ends_at + grace is later than now.
    const min = Math.max(this.clock.now() - SESSION_GRACE_MS, opts.endingAfter ?? -Infinity);
    const start = down ? { e: Number.MAX_SAFE_INTEGER, g: '~', i: '~' } : { e: 0, g: '', i: '' };
    const e = at?.endsAt ?? start.e;
    const bounds: Record<string, number> = down ? { min, hi: e } : { lo: Math.max(Math.floor(min) + 1, e) };
    const args = { ...bounds, gw: gatewayId ?? '', e, g: at?.gatewayId ?? start.g, i: at?.id ?? start.i, n: limit + 1 };
    const query = gatewayId === undefined ? (down ? st.scanAllDown : st.scanAllUp) : down ? st.scanGatewayDown : st.scanGatewayUp;
    const stubs = query.all(args);
    const more = stubs.length > limit;
    const page = stubs.slice(0, limit);
    if (down) page.reverse();
    const unread: string[] = [];
    const wanted: string[] = [];
    for (const r of page) (opts.read && !opts.read(r.id, r.ends_at) ? unread : wanted).push(r.id);
    const rows = new Map(st.readMany.all(JSON.stringify(wanted)).map((r) => [r.id, r]));
    const sessions = wanted.flatMap((id) => (rows.has(id) ? [toSession(rows.get(id))!] : []));
    const last = down ? page[0] : page[page.length - 1];
    return { sessions, unread, ...(more && last ? { next: sessionCursor({ endsAt: last.ends_at, gatewayId: last.gateway_id, id: last.id }) } : {}) };
  }

  async countSessionsByZone(zoneIds: readonly string[]): Promise<Record<string, number>> {
    const now = this.clock.now();
    return Object.fromEntries(zoneIds.map((z) => [z, this.st().countInZone.get(z, now)?.n ?? 0]));
  }

  async deleteSession(id: string): Promise<boolean> {
    const gone = this.st().deleteSession.get({ id });
    return gone !== undefined && gone.expires_at > this.clock.now();
  }

  async replaceSealedAddress(s: Pick<SessionRecord, 'id' | 'gatewayId' | 'pseudonym' | 'sealedAddress'>, next: string): Promise<boolean> {
    return (await this.replaceSealedAddresses([{ session: s, next }]))[0]!;
  }

  async replaceSealedAddresses(changes: readonly SealedChange[]): Promise<boolean[]> {
    // One transaction: one WAL commit (and sync) for the whole chunk, not one per session.
    return this.st().replaceSealedMany.immediate(changes, this.clock.now());
  }

  async setSessionEnd(id: string, expectedEndsAt: number, endsAt: number, usage?: UsageChange): Promise<SessionRecord | undefined> {
    const args = { id, expected: finite(expectedEndsAt, 'expectedEndsAt'), endsAt: finite(endsAt, 'endsAt') };
    const st = this.st();
    return toSession(st.withUsage(() => st.setSessionEnd.get({ ...args, expiresAt: endsAt + SESSION_GRACE_MS, now: this.clock.now() }), this.usageArgs(usage)));
  }

  async takeSession(id: string, expectedEndsAt: number, usage?: UsageChange): Promise<SessionRecord | undefined> {
    const st = this.st();
    return toSession(st.withUsage(() => st.takeSession.get({ id, expected: finite(expectedEndsAt, 'expectedEndsAt'), now: this.clock.now() }), this.usageArgs(usage)));
  }

  /** The addUsage statement's parameters for a usage change made with a session change. */
  private usageArgs(u: UsageChange | undefined): Record<string, string | number> | undefined {
    return u && { day: u.day, pseudonym: u.pseudonym, delta: finite(u.deltaSeconds, 'deltaSeconds'), expiresAt: u.expiresAt, now: this.clock.now() };
  }

  async addUsage(day: string, pseudonym: string, deltaSeconds: number, expiresAt: number): Promise<number> {
    finite(deltaSeconds, 'deltaSeconds');
    const row = this.st().addUsage.get({ day, pseudonym, delta: deltaSeconds, expiresAt, now: this.clock.now() });
    return row?.seconds ?? 0;
  }

  async getUsage(day: string, pseudonym: string): Promise<number> {
    return this.st().getUsage.get({ day, pseudonym, now: this.clock.now() })?.seconds ?? 0;
  }

  async getPolicy(zoneId: string): Promise<Policy | undefined> {
    const row = this.st().getPolicy.get(zoneId);
    return row ? policySchema.parse(JSON.parse(row.policy)) : undefined;
  }

  async setPolicy(zoneId: string, policy: Policy): Promise<void> {
    this.st().setPolicy.run({ zoneId, policy: JSON.stringify(policy), now: this.clock.now() });
  }

  async getLibrarySetting(name: LibrarySettingName): Promise<string | undefined> {
    return this.st().getLibrarySetting.get(name)?.value;
  }

  async setLibrarySetting(name: LibrarySettingName, value: string | undefined): Promise<void> {
    if (value === undefined) this.st().clearLibrarySetting.run(name);
    else this.st().setLibrarySetting.run({ name, value, now: this.clock.now() });
  }

  async bumpStats(zoneId: string, hour: number, counts: Partial<Record<StatCounter, number>>, expiresAt: number): Promise<void> {
    const values = Object.fromEntries(STAT_COUNTERS.map((c) => [c, finite(counts[c] ?? 0, c)]));
    this.st().bumpStats.run({ zoneId, hour, expiresAt, now: this.clock.now(), ...values });
  }

  async raisePeak(zoneId: string, hour: number, value: number, expiresAt: number): Promise<void> {
    this.st().raisePeak.run({ zoneId, hour, value: finite(value, 'value'), expiresAt, now: this.clock.now() });
  }

  async readStats(from: number, to: number, zoneId?: string): Promise<HourlyStats[]> {
    const now = this.clock.now();
    const rows =
      zoneId === undefined
        ? this.st().readStats.all({ from, to, now })
        : this.st().readZoneStats.all({ zoneId, from, to, now });
    return rows.map((r) => {
      const counts = emptyCounts();
      for (const c of STAT_COUNTERS) counts[c] = Number(r[column(c)] ?? 0);
      return { zoneId: r.zone_id, hour: r.hour, counts, peakConcurrent: r.peak };
    });
  }

  /** Every expired row of every table, a bounded batch per statement (chunked-delete.ts), then a checkpoint. */
  async sweep(now: number, opts: SweepOptions = {}): Promise<void> {
    await sweepTables([...this.st().expiring, ...this.staff.expiring(), ...this.workstations.expiring(), ...this.queue.expiring()], now, opts);
    await this.checkpoint();
  }

  async purgeDay(day: string, gatewayId?: string): Promise<void> {
    const st = this.st();
    await inChunks((n) => st.purgeUsage.run(day, n).changes);
    await inChunks((n) => st.purgeSessions.run({ day, gw: gatewayId ?? null, n }).changes);
    await this.checkpoint();
  }

  /**
   * Copies the WAL into the main file and truncates it to zero bytes, so deleted rows (zeroed by
   * `secure_delete` in the main file) leave no old frame behind. Run after sweeps and purges,
   * not on every delete; in the checkpoint worker, or here where it failed or is off. Resolves
   * false when a reader (the CLI) held it back: the next sweep retries.
   */
  async checkpoint(): Promise<boolean> {
    if (this.checkpointer?.alive) {
      try {
        return await this.checkpointer.truncate();
      } catch {
        // The worker failed (onFailure turned SQLite's own checkpoints back on): done here instead.
      }
    }
    if (!this.db) throw new Error(`SQLite store ${this.opts.file} is not open`);
    const [row] = this.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return row?.busy === 0;
  }

  /**
   * SQLite's automatic checkpoint runs inside whichever commit passes 1000 WAL pages (a grant,
   * a tick), copying 4 MB and syncing on the main thread: off here, done by the worker instead.
   */
  private startCheckpointer(db: Database.Database): void {
    db.pragma('wal_autocheckpoint = 0');
    const opts = this.opts.checkpoints || {};
    this.checkpointer = new Checkpointer(this.opts.file, () => {
      if (this.db === db && db.open) db.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`);
    }, opts);
  }

  /**
   * Writes a consistent copy of the whole database to `file` (0600), with SQLite's online backup:
   * the server may keep writing meanwhile. It holds no key: those live in KEYS_DIR.
   */
  async backup(file: string): Promise<void> {
    if (!this.db) throw new Error(`SQLite store ${this.opts.file} is not open: call init() first`);
    fs.closeSync(fs.openSync(file, 'w', 0o600));
    fs.chmodSync(file, 0o600);
    await this.db.backup(file);
  }

  private st(): ReturnType<typeof prepare> {
    if (!this.statements) throw new Error(`SQLite store ${this.opts.file} is not open: call init() first`);
    return this.statements;
  }
}
