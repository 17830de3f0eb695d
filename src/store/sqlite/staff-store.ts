// The staff part of the SQLite store: accounts, console sessions, sign-in failures, audit log,
// secrets and access passes, in the same file as the rest (so the CLI and the server share them).
import type Database from 'better-sqlite3';
import type { Clock } from '../../domain/clock';
import type {
  AuditEntry,
  ClaimResult,
  ConsoleSession,
  PassBatch,
  PassBatchSummary,
  StaffAccount,
  StaffStore,
} from '../staff-types';
import { ExpiredRows, type ExpiringTable } from './chunked-delete';

/** The staff tables' expiring rows (login_failures and pass_batches have no expires_at index: walked by rowid). */
const EXPIRING: readonly ExpiringTable[] = [
  { table: 'console_sessions', indexed: true },
  { table: 'login_failures', indexed: false },
  { table: 'audit_log', indexed: true },
  { table: 'pass_batches', indexed: false },
  { table: 'passes', indexed: true },
];

interface AccountRow {
  username: string;
  role: StaffAccount['role'];
  password_hash: string;
  created_at: number;
  updated_at: number;
  language: string;
}

const ACCOUNT_COLUMNS = `(username, role, password_hash, created_at, updated_at, language)
  VALUES (@username, @role, @passwordHash, @createdAt, @updatedAt, @language)`;

/** An account as its row's parameters: no language chosen is stored as ''. */
const accountParams = (a: StaffAccount) => ({ username: a.username, role: a.role, passwordHash: a.passwordHash, createdAt: a.createdAt, updatedAt: a.updatedAt, language: a.language ?? '' });

function prepare(db: Database.Database) {
  return {
    expiring: EXPIRING.map((t) => new ExpiredRows(db, t)),
    addAccount: db.prepare(`INSERT OR IGNORE INTO staff_accounts ${ACCOUNT_COLUMNS}`),
    putAccount: db.prepare(
      `INSERT INTO staff_accounts ${ACCOUNT_COLUMNS}
       ON CONFLICT (username) DO UPDATE SET role = excluded.role, password_hash = excluded.password_hash,
         created_at = excluded.created_at, updated_at = excluded.updated_at, language = excluded.language`,
    ),
    getAccount: db.prepare<[string], AccountRow>('SELECT * FROM staff_accounts WHERE username = ?'),
    listAccounts: db.prepare<[], AccountRow>('SELECT * FROM staff_accounts ORDER BY username'),
    deleteAccount: db.prepare<[string]>('DELETE FROM staff_accounts WHERE username = ?'),
    putSession: db.prepare(
      `INSERT INTO console_sessions VALUES (@tokenHash, @username, @createdAt, @lastSeenAt, @expiresAt)
       ON CONFLICT (token_hash) DO UPDATE SET username = excluded.username, created_at = excluded.created_at,
         last_seen_at = excluded.last_seen_at, expires_at = excluded.expires_at`,
    ),
    getSession: db.prepare<{ tokenHash: string; now: number }, { username: string; created_at: number; last_seen_at: number }>(
      'SELECT username, created_at, last_seen_at FROM console_sessions WHERE token_hash = @tokenHash AND expires_at > @now',
    ),
    deleteSession: db.prepare<[string]>('DELETE FROM console_sessions WHERE token_hash = ?'),
    deleteSessionsOf: db.prepare<{ username: string; now: number }, { live: number }>(
      'DELETE FROM console_sessions WHERE username = @username RETURNING expires_at > @now AS live',
    ),
    addFailure: db.prepare<{ username: string; expiresAt: number; now: number }, { count: number }>(
      `INSERT INTO login_failures VALUES (@username, 1, @expiresAt)
       ON CONFLICT (username) DO UPDATE SET
         count = CASE WHEN login_failures.expires_at > @now THEN login_failures.count + 1 ELSE 1 END,
         expires_at = MAX(excluded.expires_at, CASE WHEN login_failures.expires_at > @now THEN login_failures.expires_at ELSE 0 END)
       RETURNING count`,
    ),
    getFailures: db.prepare<{ username: string; now: number }, { count: number; expires_at: number }>(
      'SELECT count, expires_at FROM login_failures WHERE username = @username AND expires_at > @now',
    ),
    clearFailures: db.prepare<[string]>('DELETE FROM login_failures WHERE username = ?'),
    // One statement: the count is checked and raised with no other write in between.
    reserveAttempt: db.prepare<{ username: string; limit: number; expiresAt: number; now: number }, { count: number; expires_at: number }>(
      `INSERT INTO login_failures VALUES (@username, 1, @expiresAt)
       ON CONFLICT (username) DO UPDATE SET
         count = CASE WHEN login_failures.expires_at > @now THEN login_failures.count + 1 ELSE 1 END,
         expires_at = MAX(excluded.expires_at, CASE WHEN login_failures.expires_at > @now THEN login_failures.expires_at ELSE 0 END)
       WHERE login_failures.expires_at <= @now OR login_failures.count < @limit
       RETURNING count, expires_at`,
    ),
    appendAudit: db.prepare(
      `INSERT INTO audit_log (id, at, actor, action, target, detail, expires_at)
       VALUES (@id, @at, @actor, @action, @target, @detail, @expiresAt)`,
    ),
    listAudit: db.prepare<{ limit: number; offset: number; now: number }, AuditEntry>(
      `SELECT id, at, actor, action, target, detail FROM audit_log WHERE expires_at > @now
       ORDER BY at DESC, seq DESC LIMIT @limit OFFSET @offset`,
    ),
    insertSecret: db.prepare('INSERT OR IGNORE INTO secrets VALUES (@name, @value)'),
    getSecret: db.prepare<[string], { value: string }>('SELECT value FROM secrets WHERE name = ?'),
    insertBatch: db.prepare(
      `INSERT INTO pass_batches (id, created_at, created_by, count, minutes, valid_until, expires_at, label)
       VALUES (@id, @createdAt, @createdBy, @count, @minutes, @validUntil, @expiresAt, @label)`,
    ),
    insertPass: db.prepare(
      // OR REPLACE: a pass written again under the same hash (desk time given again for the same
      // help code) starts over unused, as Redis's HSET does.
      "INSERT OR REPLACE INTO passes VALUES (@hash, @batchId, @minutes, @validUntil, 'unused', @expiresAt)",
    ),
    getPass: db.prepare<{ hash: string; now: number }, { batch_id: string; minutes: number; valid_until: number; state: string }>(
      'SELECT batch_id, minutes, valid_until, state FROM passes WHERE hash = @hash AND expires_at > @now',
    ),
    usePass: db.prepare<[string]>("UPDATE passes SET state = 'used' WHERE hash = ? AND state = 'unused'"),
    releasePass: db.prepare<[string]>("UPDATE passes SET state = 'unused' WHERE hash = ? AND state = 'used'"),
    listBatches: db.prepare<{ now: number }, Record<string, number | string>>(
      `SELECT b.*, SUM(p.state = 'used') AS used, SUM(p.state = 'revoked') AS revoked
       FROM pass_batches b LEFT JOIN passes p ON p.batch_id = b.id
       WHERE b.expires_at > @now GROUP BY b.id ORDER BY b.created_at DESC, b.id`,
    ),
    revokeBatch: db.prepare<[string]>("UPDATE passes SET state = 'revoked' WHERE batch_id = ? AND state = 'unused'"),
  };
}

/** The staff tables of one SQLite database; built by SqliteStore once the file is open. */
export class SqliteStaffStore implements StaffStore {
  private statements: ReturnType<typeof prepare> | undefined;
  private db: Database.Database | undefined;

  constructor(private readonly clock: Clock) {}

  /** Prepares the statements once the database is open and migrated. */
  open(db: Database.Database): void {
    this.db = db;
    this.statements = prepare(db);
  }

  close(): void {
    this.db = undefined;
    this.statements = undefined;
  }

  async addAccount(a: StaffAccount): Promise<boolean> {
    return this.st().addAccount.run(accountParams(a)).changes === 1;
  }

  async putAccount(a: StaffAccount): Promise<void> {
    this.st().putAccount.run(accountParams(a));
  }

  async getAccount(username: string): Promise<StaffAccount | undefined> {
    return toAccount(this.st().getAccount.get(username));
  }

  async listAccounts(): Promise<StaffAccount[]> {
    return this.st().listAccounts.all().map((r) => toAccount(r)!);
  }

  async deleteAccount(username: string): Promise<boolean> {
    return this.st().deleteAccount.run(username).changes === 1;
  }

  async putConsoleSession(tokenHash: string, s: ConsoleSession, expiresAt: number): Promise<void> {
    this.st().putSession.run({ tokenHash, ...s, expiresAt });
  }

  async getConsoleSession(tokenHash: string): Promise<ConsoleSession | undefined> {
    const r = this.st().getSession.get({ tokenHash, now: this.clock.now() });
    return r ? { username: r.username, createdAt: r.created_at, lastSeenAt: r.last_seen_at } : undefined;
  }

  async deleteConsoleSession(tokenHash: string): Promise<void> {
    this.st().deleteSession.run(tokenHash);
  }

  async deleteConsoleSessionsOf(username: string): Promise<number> {
    return this.st().deleteSessionsOf.all({ username, now: this.clock.now() }).filter((r) => r.live).length;
  }

  async addLoginFailure(username: string, expiresAt: number): Promise<number> {
    return this.st().addFailure.get({ username, expiresAt, now: this.clock.now() })?.count ?? 1;
  }

  async getLoginFailures(username: string): Promise<{ count: number; expiresAt: number }> {
    const r = this.st().getFailures.get({ username, now: this.clock.now() });
    return r ? { count: r.count, expiresAt: r.expires_at } : { count: 0, expiresAt: 0 };
  }

  async clearLoginFailures(username: string): Promise<void> {
    this.st().clearFailures.run(username);
  }

  async reserveLoginAttempt(username: string, limit: number, expiresAt: number): Promise<{ ok: boolean; count: number; expiresAt: number }> {
    const now = this.clock.now();
    const r = this.st().reserveAttempt.get({ username, limit, expiresAt, now });
    if (r) return { ok: true, count: r.count, expiresAt: r.expires_at };
    return { ok: false, ...(await this.getLoginFailures(username)) };
  }

  async appendAudit(entry: AuditEntry, expiresAt: number): Promise<void> {
    this.st().appendAudit.run({ ...entry, expiresAt });
  }

  async listAudit(limit: number, offset = 0): Promise<AuditEntry[]> {
    return this.st().listAudit.all({ limit, offset, now: this.clock.now() }).map((r) => ({ ...r }));
  }

  async ensureSecret(name: string, candidate: string): Promise<string> {
    this.st().insertSecret.run({ name, value: candidate });
    return this.st().getSecret.get(name)!.value;
  }

  async createPassBatch(batch: PassBatch, hashes: string[], expiresAt: number): Promise<void> {
    const st = this.st();
    this.db!.transaction(() => {
      st.insertBatch.run({ ...batch, label: batch.label ?? '', expiresAt });
      for (const hash of hashes) st.insertPass.run({ hash, batchId: batch.id, minutes: batch.minutes, validUntil: batch.validUntil, expiresAt });
    }).immediate();
  }

  async claimPass(hash: string, now: number): Promise<ClaimResult> {
    const st = this.st();
    // IMMEDIATE: the read and the update happen under one write lock, so a code is used once.
    return this.db!.transaction((): ClaimResult => {
      const p = st.getPass.get({ hash, now: this.clock.now() });
      if (!p) return { ok: false, reason: 'unknown' };
      if (p.state === 'used' || p.state === 'revoked') return { ok: false, reason: p.state };
      if (p.valid_until <= now) return { ok: false, reason: 'expired' };
      st.usePass.run(hash);
      return { ok: true, pass: { hash, batchId: p.batch_id, minutes: p.minutes, validUntil: p.valid_until } };
    }).immediate();
  }

  async releasePass(hash: string): Promise<void> {
    this.st().releasePass.run(hash);
  }

  async listPassBatches(): Promise<PassBatchSummary[]> {
    return this.st()
      .listBatches.all({ now: this.clock.now() })
      .map((r) => ({
        id: String(r.id),
        createdAt: Number(r.created_at),
        createdBy: String(r.created_by),
        count: Number(r.count),
        minutes: Number(r.minutes),
        validUntil: Number(r.valid_until),
        ...(r.label ? { label: String(r.label) } : {}),
        used: Number(r.used ?? 0),
        revoked: Number(r.revoked ?? 0),
      }));
  }

  async revokePassBatch(batchId: string): Promise<number> {
    return this.st().revokeBatch.run(batchId).changes;
  }

  /** The staff tables' expired rows, for SqliteStore's sweep. */
  expiring(): readonly ExpiredRows[] {
    return this.st().expiring;
  }

  private st(): ReturnType<typeof prepare> {
    if (!this.statements) throw new Error('SQLite store is not open: call init() first');
    return this.statements;
  }
}

function toAccount(r: AccountRow | undefined): StaffAccount | undefined {
  if (!r) return undefined;
  const account: StaffAccount = { username: r.username, role: r.role, passwordHash: r.password_hash, createdAt: r.created_at, updatedAt: r.updated_at };
  if (r.language) account.language = r.language;
  return account;
}
