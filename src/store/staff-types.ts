// The staff part of the Store contract: staff accounts, console sessions, sign-in failures, the
// audit log of staff actions, shared secrets and access passes. Staff are not patrons: their
// names may be kept. Nothing here holds a patron identifier.
import type { Store as RateLimitStore } from 'express-rate-limit';

export type StaffRole = 'admin' | 'staff';

/** A staff member who can sign in to the console. */
export interface StaffAccount {
  /** Lower-case letters, digits, '.', '_' and '-'; at most 32 characters. */
  username: string;
  role: StaffRole;
  /** argon2id hash in PHC form; never the password. */
  passwordHash: string;
  createdAt: number;
  updatedAt: number;
  /**
   * The console language the staff member chose (a language code such as `es`); absent until
   * they choose one, when the console follows their browser's Accept-Language.
   */
  language?: string;
}

/** A signed-in console session. The store knows it only by the SHA-256 of its cookie token. */
export interface ConsoleSession {
  username: string;
  createdAt: number;
  lastSeenAt: number;
}

/** One staff action: who did what to which target, and when. */
export interface AuditEntry {
  /** Random id, unique per entry. */
  id: string;
  at: number;
  /** The staff member's user name, or "cli" / "setup". */
  actor: string;
  /** A dotted verb such as `policy.update` or `passes.create`. */
  action: string;
  /** What was acted on: a zone id, a pass batch id, a user name, a session code. */
  target: string;
  /** A short sentence for people. */
  detail: string;
}

/** A batch of access passes, as staff created it. The codes themselves are never stored. */
export interface PassBatch {
  id: string;
  createdAt: number;
  createdBy: string;
  count: number;
  /** Minutes of access each pass gives. */
  minutes: number;
  /** Epoch ms after which no pass of the batch can be redeemed. */
  validUntil: number;
  /** What staff called the batch, if anything ("Job club, Tuesday"). */
  label?: string;
}

export interface PassBatchSummary extends PassBatch {
  used: number;
  revoked: number;
}

/** A pass as the store knows it: by the keyed hash of its code. */
export interface PassRecord {
  hash: string;
  batchId: string;
  minutes: number;
  validUntil: number;
}

export type ClaimResult = { ok: true; pass: PassRecord } | { ok: false; reason: 'unknown' | 'used' | 'revoked' | 'expired' };

/**
 * What the staff console keeps. Records with an `expiresAt` go away by themselves (Redis TTLs,
 * SQLite `sweep`); accounts and secrets stay until deleted.
 */
export interface StaffStore {
  /** Adds an account; resolves false (and changes nothing) when the user name is taken. */
  addAccount(account: StaffAccount): Promise<boolean>;
  /** Inserts or replaces an account (password reset, role change). */
  putAccount(account: StaffAccount): Promise<void>;
  getAccount(username: string): Promise<StaffAccount | undefined>;
  /** Every account, by user name. */
  listAccounts(): Promise<StaffAccount[]>;
  /** Deletes an account; resolves true when it existed. Its console sessions are not touched. */
  deleteAccount(username: string): Promise<boolean>;

  /** Inserts or replaces a console session under the hash of its token, until `expiresAt`. */
  putConsoleSession(tokenHash: string, session: ConsoleSession, expiresAt: number): Promise<void>;
  getConsoleSession(tokenHash: string): Promise<ConsoleSession | undefined>;
  deleteConsoleSession(tokenHash: string): Promise<void>;
  /** Ends every console session of a user (password reset, account removed); returns how many. */
  deleteConsoleSessionsOf(username: string): Promise<number>;

  /** Counts one failed sign-in for a user name; the count lives until `expiresAt`. Returns the count. */
  addLoginFailure(username: string, expiresAt: number): Promise<number>;
  /** The failed sign-ins counted for a user name and when the count expires (0 and 0 when none). */
  getLoginFailures(username: string): Promise<{ count: number; expiresAt: number }>;
  clearLoginFailures(username: string): Promise<void>;
  /**
   * Reserves one sign-in attempt, in one atomic step: counts it as a failure (living until
   * `expiresAt`, never shortened) only while fewer than `limit` are counted, before the password
   * is checked, so parallel guesses cannot all pass a count read before any was added.
   * `ok` is false, and nothing counted, when the limit was reached (the account is locked).
   */
  reserveLoginAttempt(username: string, limit: number, expiresAt: number): Promise<{ ok: boolean; count: number; expiresAt: number }>;

  /** Appends an entry to the audit log, kept until `expiresAt`. */
  appendAudit(entry: AuditEntry, expiresAt: number): Promise<void>;
  /** Audit entries, newest first. */
  listAudit(limit: number, offset?: number): Promise<AuditEntry[]>;

  /** Returns the secret stored under `name`, storing `candidate` first if there is none. */
  ensureSecret(name: string, candidate: string): Promise<string>;

  /** Stores a batch and the hashes of its codes (all unused), kept until `expiresAt`. */
  createPassBatch(batch: PassBatch, hashes: string[], expiresAt: number): Promise<void>;
  /** Marks an unused, unexpired pass as used, atomically; says why not otherwise. */
  claimPass(hash: string, now: number): Promise<ClaimResult>;
  /** Makes a claimed pass unused again (when no session could start). */
  releasePass(hash: string): Promise<void>;
  /** Batches still kept, newest first, with how many passes were used and revoked. */
  listPassBatches(): Promise<PassBatchSummary[]>;
  /** Revokes every unused pass of a batch; returns how many. */
  revokePassBatch(batchId: string): Promise<number>;

  /**
   * An express-rate-limit store whose counts every gateway shares, where the backend can share
   * them (Redis). Absent otherwise: a single gateway counts in memory.
   */
  sharedRateLimit?(name: string): RateLimitStore;
}
