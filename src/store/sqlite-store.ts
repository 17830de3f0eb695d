// The SQLite store: the embedded default, one file in DATA_DIR shared by the server and the CLI.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { policySchema, type Policy } from '../config/schema';
import { systemClock, type Clock } from '../domain/clock';
import { STAT_COUNTERS, SESSION_GRACE_MS, emptyCounts, parseCursor, sessionCursor, type GrantCharge, type HourlyStats, type ScanOptions, type SealedChange, type SessionPage, type SessionRecord, type StatCounter, type Store } from './types';
import { STAFF_SCHEMA, SqliteStaffStore } from './sqlite-staff-store';
import { SqliteWorkstations, WORKSTATION_TABLES } from './sqlite-workstations';

/** How long a writer waits for another process (the CLI, the server) to finish its write. */
const BUSY_TIMEOUT_MS = 5000;

/** A stats counter's column: sessionsStarted → sessions_started. */
const COLUMNS = Object.fromEntries(STAT_COUNTERS.map((c) => [c, c.replace(/[A-Z]/g, (l) => `_${l.toLowerCase()}`)])) as Record<StatCounter, string>;
const column = (c: StatCounter): string => COLUMNS[c];

/** The file's application id (PRAGMA application_id): "THRS", rewritten by the write probe. */
const APPLICATION_ID = 0x54485253;

/** Schema migrations, in order; `PRAGMA user_version` counts those applied. Append, never edit. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS sessions (
     id TEXT PRIMARY KEY, code TEXT NOT NULL, gateway_id TEXT NOT NULL, zone_id TEXT NOT NULL,
     day TEXT NOT NULL, pseudonym TEXT NOT NULL, sealed_address TEXT NOT NULL,
     started_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, last_activity_at INTEGER NOT NULL,
     via TEXT NOT NULL, expires_at INTEGER NOT NULL);
   CREATE INDEX IF NOT EXISTS sessions_code ON sessions (code);
   CREATE INDEX IF NOT EXISTS sessions_gateway ON sessions (gateway_id);
   CREATE INDEX IF NOT EXISTS sessions_day ON sessions (day);
   CREATE INDEX IF NOT EXISTS sessions_expires ON sessions (expires_at);
   CREATE TABLE IF NOT EXISTS daily_usage (
     day TEXT NOT NULL, pseudonym TEXT NOT NULL, seconds REAL NOT NULL, expires_at INTEGER NOT NULL,
     PRIMARY KEY (day, pseudonym)) WITHOUT ROWID;
   CREATE INDEX IF NOT EXISTS daily_usage_expires ON daily_usage (expires_at);
   CREATE TABLE IF NOT EXISTS policies (zone_id TEXT PRIMARY KEY, policy TEXT NOT NULL, updated_at INTEGER NOT NULL);
   CREATE TABLE IF NOT EXISTS hourly_stats (
     zone_id TEXT NOT NULL, hour INTEGER NOT NULL, peak INTEGER NOT NULL DEFAULT 0, expires_at INTEGER NOT NULL,
     PRIMARY KEY (zone_id, hour)) WITHOUT ROWID;
   CREATE INDEX IF NOT EXISTS hourly_stats_hour ON hourly_stats (hour);
   CREATE INDEX IF NOT EXISTS hourly_stats_expires ON hourly_stats (expires_at);`,
  // Staff console: accounts, console sessions, sign-in failures, audit log, secrets, passes.
  STAFF_SCHEMA,
  // Public workstations (issue 5).
  WORKSTATION_TABLES,
  // Walking the sessions a page at a time (scanSessions), per gateway and across gateways.
  `CREATE INDEX IF NOT EXISTS sessions_gateway_walk ON sessions (gateway_id, ends_at, id);
   CREATE INDEX IF NOT EXISTS sessions_walk ON sessions (ends_at, gateway_id, id);
   CREATE INDEX IF NOT EXISTS sessions_zone_ends ON sessions (zone_id, ends_at);
   DROP INDEX IF EXISTS sessions_gateway;`,
];

/** Rows deleted per statement by the sweep and the purge, so neither holds the event loop long. */
const DELETE_CHUNK = 500;

interface SessionRow {
  id: string;
  code: string;
  gateway_id: string;
  zone_id: string;
  day: string;
  pseudonym: string;
  sealed_address: string;
  started_at: number;
  ends_at: number;
  last_activity_at: number;
  via: SessionRecord['via'];
}

type StatsRow = { zone_id: string; hour: number; peak: number } & Record<string, number | string>;

function prepare(db: Database.Database) {
  const cols = STAT_COUNTERS.map(column);
  // On an expired, not yet swept row, counting starts again from zero (as Redis would).
  const live = (col: string, add: string) =>
    `${col} = CASE WHEN hourly_stats.expires_at > @now THEN ${add} ELSE excluded.${col} END`;
  const keepLatestExpiry = 'expires_at = MAX(hourly_stats.expires_at, excluded.expires_at)';
  const liveSessions = 'SELECT * FROM sessions WHERE expires_at > @now';
  // A chunk at a time (see inChunks); daily_usage and hourly_stats have no rowid, so by key.
  const chunked = (table: string, key: string, where: string) =>
    db.prepare<[number | string, number]>(`DELETE FROM ${table} WHERE (${key}) IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ?)`);
  const keys: Record<string, string> = { sessions: 'rowid', daily_usage: 'day, pseudonym', hourly_stats: 'zone_id, hour' };
  const sweepDeletes = ['sessions', 'daily_usage', 'hourly_stats'].map((t) => chunked(t, keys[t]!, 'expires_at <= ?'));
  const purgeUsage = chunked('daily_usage', keys.daily_usage!, 'day = ?');
  // One gateway's sessions of the day, or every gateway's when @gw is null.
  const purgeSessions = db.prepare<{ day: string; gw: string | null; n: number }>(
    'DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE day = @day AND (@gw IS NULL OR gateway_id = @gw) LIMIT @n)',
  );
  // Compare-and-set: only the record that was read is changed.
  const replaceSealed = db.prepare<{ id: string; expected: string; next: string; now: number }>(
    'UPDATE sessions SET sealed_address = @next WHERE id = @id AND sealed_address = @expected AND expires_at > @now',
  );
  const st = {
    putSession: db.prepare(
      `INSERT INTO sessions VALUES (@id, @code, @gatewayId, @zoneId, @day, @pseudonym, @sealedAddress,
         @startedAt, @endsAt, @lastActivityAt, @via, @expiresAt)
       ON CONFLICT (id) DO UPDATE SET code = excluded.code, gateway_id = excluded.gateway_id,
         zone_id = excluded.zone_id, day = excluded.day, pseudonym = excluded.pseudonym,
         sealed_address = excluded.sealed_address, started_at = excluded.started_at, ends_at = excluded.ends_at,
         last_activity_at = excluded.last_activity_at, via = excluded.via, expires_at = excluded.expires_at`,
    ),
    getSession: db.prepare<{ id: string; now: number }, SessionRow>(`${liveSessions} AND id = @id`),
    hasSession: db.prepare<{ id: string }, { one: number }>('SELECT 1 AS one FROM sessions WHERE id = @id'),
    findByCode: db.prepare<{ code: string; now: number }, SessionRow>(
      `${liveSessions} AND code = @code ORDER BY started_at DESC LIMIT 1`,
    ),
    listAll: db.prepare<{ now: number }, SessionRow>(`${liveSessions} ORDER BY started_at, id`),
    listGateway: db.prepare<{ gatewayId: string; now: number }, SessionRow>(
      `${liveSessions} AND gateway_id = @gatewayId ORDER BY started_at, id`,
    ),
    deleteSession: db.prepare<{ id: string }, { expires_at: number }>(
      'DELETE FROM sessions WHERE id = @id RETURNING expires_at',
    ),
    // Compare-and-set on ends_at: the change applies only to the record the caller decided on.
    setSessionEnd: db.prepare<Record<string, string | number>, SessionRow>(
      `UPDATE sessions SET ends_at = @endsAt, expires_at = @expiresAt
       WHERE id = @id AND ends_at = @expected AND expires_at > @now RETURNING *`,
    ),
    takeSession: db.prepare<Record<string, string | number>, SessionRow>(
      'DELETE FROM sessions WHERE id = @id AND ends_at = @expected AND expires_at > @now RETURNING *',
    ),
    addUsage: db.prepare<Record<string, string | number>, { seconds: number }>(
      `INSERT INTO daily_usage VALUES (@day, @pseudonym, @delta, @expiresAt)
       ON CONFLICT (day, pseudonym) DO UPDATE SET
         seconds = CASE WHEN daily_usage.expires_at > @now THEN daily_usage.seconds + excluded.seconds ELSE excluded.seconds END,
         expires_at = excluded.expires_at
       RETURNING seconds`,
    ),
    getUsage: db.prepare<Record<string, string | number>, { seconds: number }>(
      'SELECT seconds FROM daily_usage WHERE day = @day AND pseudonym = @pseudonym AND expires_at > @now',
    ),
    getPolicy: db.prepare<[string], { policy: string }>('SELECT policy FROM policies WHERE zone_id = ?'),
    setPolicy: db.prepare(
      `INSERT INTO policies VALUES (@zoneId, @policy, @now)
       ON CONFLICT (zone_id) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at`,
    ),
    bumpStats: db.prepare(
      `INSERT INTO hourly_stats (zone_id, hour, expires_at, ${cols.join(', ')})
       VALUES (@zoneId, @hour, @expiresAt, ${STAT_COUNTERS.map((c) => `@${c}`).join(', ')})
       ON CONFLICT (zone_id, hour) DO UPDATE SET
         ${cols.map((c) => live(c, `hourly_stats.${c} + excluded.${c}`)).join(', ')},
         peak = CASE WHEN hourly_stats.expires_at > @now THEN hourly_stats.peak ELSE 0 END, ${keepLatestExpiry}`,
    ),
    raisePeak: db.prepare(
      `INSERT INTO hourly_stats (zone_id, hour, expires_at, peak) VALUES (@zoneId, @hour, @expiresAt, @value)
       ON CONFLICT (zone_id, hour) DO UPDATE SET
         ${cols.map((c) => live(c, `hourly_stats.${c}`)).join(', ')},
         ${live('peak', 'MAX(hourly_stats.peak, excluded.peak)')}, ${keepLatestExpiry}`,
    ),
    readStats: db.prepare<Record<string, number>, StatsRow>(
      'SELECT * FROM hourly_stats WHERE hour >= @from AND hour < @to AND expires_at > @now ORDER BY hour, zone_id',
    ),
    readZoneStats: db.prepare<Record<string, number | string>, StatsRow>(
      `SELECT * FROM hourly_stats WHERE zone_id = @zoneId AND hour >= @from AND hour < @to AND expires_at > @now
       ORDER BY hour`,
    ),
    sweepDeletes,
    purgeUsage,
    purgeSessions,
    replaceSealedMany: db.transaction((changes: readonly SealedChange[], now: number) =>
      changes.map((c) => replaceSealed.run({ id: c.session.id, expected: c.session.sealedAddress, next: c.next, now }).changes === 1),
    ),
    ...scanStatements(db),
  };
  return {
    ...st,
    // A grant: the session and its charge together; a session id seen before is not charged again.
    grant: db.transaction((row: Record<string, string | number>, charge: GrantCharge, now: number): boolean => {
      if (st.hasSession.get({ id: String(row.id) })) return false;
      st.putSession.run(row);
      st.addUsage.get({ day: row.day!, pseudonym: row.pseudonym!, delta: charge.seconds, expiresAt: charge.expiresAt, now });
      return true;
    }),
  };
}

/** The statements of scanSessions and countSessionsByZone (keyset pagination on the walk indexes). */
function scanStatements(db: Database.Database) {
  type Stub = { id: string; gateway_id: string; ends_at: number };
  type Args = Record<string, string | number>;
  // The bounds on ends_at are what the index range is built from (the row-value comparison
  // only filters the ties at the cursor's end): forward from @lo, backward from @hi down to @min.
  const stub = 'SELECT id, gateway_id, ends_at FROM sessions WHERE';
  const up = 'ends_at >= @lo';
  const down = 'ends_at > @min AND ends_at <= @hi';
  return {
    scanGatewayUp: db.prepare<Args, Stub>(`${stub} ${up} AND gateway_id = @gw AND (ends_at, id) > (@e, @i) ORDER BY ends_at, id LIMIT @n`),
    scanGatewayDown: db.prepare<Args, Stub>(`${stub} ${down} AND gateway_id = @gw AND (ends_at, id) < (@e, @i) ORDER BY ends_at DESC, id DESC LIMIT @n`),
    scanAllUp: db.prepare<Args, Stub>(`${stub} ${up} AND (ends_at, gateway_id, id) > (@e, @g, @i) ORDER BY ends_at, gateway_id, id LIMIT @n`),
    scanAllDown: db.prepare<Args, Stub>(`${stub} ${down} AND (ends_at, gateway_id, id) < (@e, @g, @i) ORDER BY ends_at DESC, gateway_id DESC, id DESC LIMIT @n`),
    readMany: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id IN (SELECT value FROM json_each(?))'),
    // A count on the (zone_id, ends_at) index: no row is read.
    countInZone: db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM sessions WHERE zone_id = ? AND ends_at > ?'),
  };
}

/**
 * Keeps everything in one SQLite file (WAL, `secure_delete`), safe for the server and the
 * `threshold` CLI to open at once. Records past their expiry (by the injected clock) are
 * invisible at once and are deleted by `sweep`.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  private db: Database.Database | undefined;
  private statements: ReturnType<typeof prepare> | undefined;

  private readonly clock: Clock;
  readonly staff: SqliteStaffStore;
  // Public workstations (issue 5).
  readonly workstations: SqliteWorkstations;

  /** `clock` decides what has expired (default: the system clock); tests may inject theirs. */
  constructor(private readonly opts: { file: string; clock?: Clock }) {
    this.clock = opts.clock ?? systemClock;
    this.staff = new SqliteStaffStore(this.clock);
    this.workstations = new SqliteWorkstations(this.clock);
  }

  async init(): Promise<void> {
    if (this.db) return;
    const file = this.opts.file;
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.closeSync(fs.openSync(file, 'a', 0o600));
    if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
    const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    try {
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma('journal_mode = WAL');
      // With WAL, NORMAL syncs at checkpoints instead of on every commit: a commit no longer
      // waits on the disk inside the event loop. The database stays consistent on a crash or a
      // power cut; a power cut (not a crash of the process) can lose the last commits since the
      // last checkpoint (docs/benchmarks.md, "SQLite and the disk").
      db.pragma('synchronous = NORMAL');
      db.pragma('secure_delete = ON');
      db.transaction(() => migrate(db)).immediate();
      this.statements = prepare(db);
      this.staff.open(db);
      this.workstations.open(db);
      this.db = db;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  async close(): Promise<void> {
    this.db?.close();
    this.db = undefined;
    this.staff.close();
    this.workstations.close();
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
  async grantSession(s: SessionRecord, charge: GrantCharge): Promise<boolean> {
    finite(charge.seconds, 'seconds');
    return this.st().grant.immediate(sessionParams(s), charge, this.clock.now());
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    return toSession(this.st().getSession.get({ id, now: this.clock.now() }));
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

  async setSessionEnd(id: string, expectedEndsAt: number, endsAt: number): Promise<SessionRecord | undefined> {
    const args = { id, expected: finite(expectedEndsAt, 'expectedEndsAt'), endsAt: finite(endsAt, 'endsAt') };
    return toSession(this.st().setSessionEnd.get({ ...args, expiresAt: endsAt + SESSION_GRACE_MS, now: this.clock.now() }));
  }

  async takeSession(id: string, expectedEndsAt: number): Promise<SessionRecord | undefined> {
    return toSession(this.st().takeSession.get({ id, expected: finite(expectedEndsAt, 'expectedEndsAt'), now: this.clock.now() }));
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

  async sweep(now: number): Promise<void> {
    for (const del of this.st().sweepDeletes) await inChunks(() => del.run(now, DELETE_CHUNK).changes);
    this.staff.sweep(now);
    this.workstations.sweep(now);
    this.checkpoint();
  }

  async purgeDay(day: string, gatewayId?: string): Promise<void> {
    const st = this.st();
    await inChunks(() => st.purgeUsage.run(day, DELETE_CHUNK).changes);
    await inChunks(() => st.purgeSessions.run({ day, gw: gatewayId ?? null, n: DELETE_CHUNK }).changes);
    this.checkpoint();
  }

  /**
   * Copies the WAL into the main file and truncates it to zero bytes, so deleted rows (zeroed by
   * `secure_delete` in the main file) leave no old frame behind. Run after sweeps and purges,
   * not on every delete. Returns false when a reader (the CLI) held it back: the next sweep retries.
   */
  checkpoint(): boolean {
    const [row] = this.db!.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return row?.busy === 0;
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

/** Brings the schema up to date; runs inside an IMMEDIATE transaction so two processes cannot race. */
function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`the database was written by a newer Threshold (schema ${version}, this one knows ${MIGRATIONS.length})`);
  }
  MIGRATIONS.slice(version).forEach((sql) => db.exec(sql));
  db.pragma(`user_version = ${MIGRATIONS.length}`);
  // A counter added to STAT_COUNTERS later gets its column here, with no migration to write.
  const have = new Set((db.pragma('table_info(hourly_stats)') as { name: string }[]).map((c) => c.name));
  for (const c of STAT_COUNTERS.map(column)) {
    if (!have.has(c)) db.exec(`ALTER TABLE hourly_stats ADD COLUMN ${c} INTEGER NOT NULL DEFAULT 0`);
  }
}

/** A session's columns as named parameters, with its expiry. */
function sessionParams(s: SessionRecord): Record<string, string | number> {
  const { id, code, gatewayId, zoneId, day, pseudonym, sealedAddress, startedAt, endsAt, lastActivityAt, via } = s;
  return { id, code, gatewayId, zoneId, day, pseudonym, sealedAddress, startedAt, endsAt, lastActivityAt, via, expiresAt: endsAt + SESSION_GRACE_MS };
}

function toSession(r: SessionRow | undefined): SessionRecord | undefined {
  if (!r) return undefined;
  return {
    id: r.id,
    code: r.code,
    gatewayId: r.gateway_id,
    zoneId: r.zone_id,
    day: r.day,
    pseudonym: r.pseudonym,
    sealedAddress: r.sealed_address,
    startedAt: r.started_at,
    endsAt: r.ends_at,
    lastActivityAt: r.last_activity_at,
    via: r.via,
  };
}

/** Runs a chunked delete until a chunk comes back short, letting the event loop run in between. */
async function inChunks(run: () => number): Promise<void> {
  while (run() >= DELETE_CHUNK) await new Promise((r) => setImmediate(r));
}

function finite(n: number, what: string): number {
  if (!Number.isFinite(n)) throw new RangeError(`${what} must be a finite number, got ${n}`);
  return n;
}
