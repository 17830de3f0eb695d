// Every SQLite migration, in order, in one list: `PRAGMA user_version` counts those applied.
// Append a new one at the end; never edit or reorder one already released (databases in the
// field have run it).
import type Database from 'better-sqlite3';
import { STAT_COUNTERS, type StatCounter } from '../types';

/** A stats counter's column: sessionsStarted → sessions_started. */
const COLUMNS = Object.fromEntries(STAT_COUNTERS.map((c) => [c, c.replace(/[A-Z]/g, (l) => `_${l.toLowerCase()}`)])) as Record<StatCounter, string>;
export const column = (c: StatCounter): string => COLUMNS[c];

/** The migrations; a database at user_version n has run the first n. */
export const MIGRATIONS: readonly string[] = [
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
  `
  CREATE TABLE IF NOT EXISTS staff_accounts (
    username TEXT PRIMARY KEY, role TEXT NOT NULL, password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS console_sessions (
    token_hash TEXT PRIMARY KEY, username TEXT NOT NULL, created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS console_sessions_user ON console_sessions (username);
  CREATE INDEX IF NOT EXISTS console_sessions_expires ON console_sessions (expires_at);
  CREATE TABLE IF NOT EXISTS login_failures (
    username TEXT PRIMARY KEY, count INTEGER NOT NULL, expires_at INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL, at INTEGER NOT NULL, actor TEXT NOT NULL,
    action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL, expires_at INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS audit_log_at ON audit_log (at);
  CREATE INDEX IF NOT EXISTS audit_log_expires ON audit_log (expires_at);
  CREATE TABLE IF NOT EXISTS secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS pass_batches (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, created_by TEXT NOT NULL, count INTEGER NOT NULL,
    minutes INTEGER NOT NULL, valid_until INTEGER NOT NULL, expires_at INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS passes (
    hash TEXT PRIMARY KEY, batch_id TEXT NOT NULL, minutes INTEGER NOT NULL, valid_until INTEGER NOT NULL,
    state TEXT NOT NULL, expires_at INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS passes_batch ON passes (batch_id);
  CREATE INDEX IF NOT EXISTS passes_expires ON passes (expires_at);`,
  // Public workstations: enrolment codes, workstations, health history, the command queue.
  `
  CREATE TABLE IF NOT EXISTS enrolment_codes (
    code_hash TEXT PRIMARY KEY, zone_id TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
  CREATE TABLE IF NOT EXISTS workstations (
    name TEXT PRIMARY KEY, zone_id TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE, enrolled_at INTEGER NOT NULL,
    retired_at INTEGER, last_seen_at INTEGER, mode TEXT NOT NULL, in_use INTEGER NOT NULL DEFAULT 0,
    health TEXT, last_wipe TEXT, expires_at INTEGER);
  CREATE TABLE IF NOT EXISTS workstation_health (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, received_at INTEGER NOT NULL, report TEXT NOT NULL);
  CREATE INDEX IF NOT EXISTS workstation_health_name ON workstation_health (name, seq);
  CREATE TABLE IF NOT EXISTS workstation_commands (
    id TEXT PRIMARY KEY, workstation TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL);
  CREATE INDEX IF NOT EXISTS workstation_commands_ws ON workstation_commands (workstation, created_at);`,
  // Walking the sessions a page at a time (scanSessions), per gateway and across gateways.
  `CREATE INDEX IF NOT EXISTS sessions_gateway_walk ON sessions (gateway_id, ends_at, id);
   CREATE INDEX IF NOT EXISTS sessions_walk ON sessions (ends_at, gateway_id, id);
   CREATE INDEX IF NOT EXISTS sessions_zone_ends ON sessions (zone_id, ends_at);
   DROP INDEX IF EXISTS sessions_gateway;`,
  // A pass batch's label ("Job club, Tuesday"), for the desk to tell batches apart.
  `ALTER TABLE pass_batches ADD COLUMN label TEXT NOT NULL DEFAULT '';`,
  // The library's settings from the console (name, logo, terms, banner, walled garden).
  `CREATE TABLE IF NOT EXISTS library_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at INTEGER NOT NULL);`,
  // The console language a staff member chose ('' = follow the browser).
  `ALTER TABLE staff_accounts ADD COLUMN language TEXT NOT NULL DEFAULT '';`,
  // Kiosk queue (tickets, holds, bookings): one row per zone, its document changed by compare-and-set.
  `CREATE TABLE IF NOT EXISTS queue_zones (
     zone_id TEXT PRIMARY KEY, version INTEGER NOT NULL, doc TEXT NOT NULL, expires_at INTEGER NOT NULL);
   CREATE INDEX IF NOT EXISTS queue_zones_expires ON queue_zones (expires_at);`,
];

/** Brings the schema up to date; runs inside an IMMEDIATE transaction so two processes cannot race. */
export function migrate(db: Database.Database): void {
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
