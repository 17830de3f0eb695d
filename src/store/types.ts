// The Store contract: everything Threshold keeps, behind one interface with SQLite and Redis
// implementations that pass one shared contract suite (test/contract/store.contract.ts).
import type { Policy } from '../config/schema';
import type { StaffStore } from './staff-types';
import type { QueueStore } from './queue-types';
import type { WorkstationStore } from './workstation-types';
import type { HourlyStats, StatCounter } from './stat-types';

/**
 * A live patron session. It never holds a raw IP or MAC: the address is sealed under the
 * gateway's key for `day`, and `pseudonym` is HMAC(day key, MAC or IP).
 */
export interface SessionRecord {
  /** Random 128-bit id (base64url); internal, never shown. */
  id: string;
  /** Short code the patron reads to staff (6 characters of an unambiguous alphabet). */
  code: string;
  /** The gateway that owns the session (and holds the key that opens `sealedAddress`). */
  gatewayId: string;
  zoneId: string;
  /** Local date the session began; its key, pseudonym and usage belong to this day. */
  day: string;
  pseudonym: string;
  /** `{ ip, mac? }` sealed with AES-256-GCM under the day's address key. */
  sealedAddress: string;
  /** Epoch milliseconds. */
  startedAt: number;
  endsAt: number;
  lastActivityAt: number;
  /** How the session was opened. */
  via: 'click-through' | 'pass';
}

/** One compare-and-set of the re-seal job: the record as read, and its new sealed address. */
export interface SealedChange {
  session: Pick<SessionRecord, 'id' | 'gatewayId' | 'pseudonym' | 'sealedAddress'>;
  next: string;
}

/** What a grant charges to its device's allowance of the session's day. */
export interface GrantCharge {
  /** Seconds granted. */
  seconds: number;
  /** When the usage record expires (epoch ms). */
  expiresAt: number;
}

/** The library's settings documents: its texts, banner and walled garden; its logo (kept apart, it is larger). */
export const LIBRARY_SETTING_NAMES = ['settings', 'logo'] as const;
export type LibrarySettingName = (typeof LIBRARY_SETTING_NAMES)[number];

/**
 * What a grant was planned from, for the store to check in the same step as the write: the
 * device's usage total of the day as this gateway last knew it (0 for a device it never saw).
 */
export interface GrantCheck {
  usedSeconds: number;
}

/**
 * Why a checked grant was not written: the stored usage total is not the one the plan was made
 * from (plan again from `usedSeconds`), or the session code belongs to another live session
 * (draw another). Nothing was written or charged.
 */
export type GrantConflict = { conflict: 'usage'; usedSeconds: number } | { conflict: 'code' };

/** A device's usage changed in the same atomic step as a change of its session (setSessionEnd, takeSession). */
export interface UsageChange {
  day: string;
  pseudonym: string;
  /** Added to the day's total; negative for a refund. */
  deltaSeconds: number;
  /** When the usage record expires. */
  expiresAt: number;
}

/**
 * How a sweep is paced: tests and benchmarks set these; the gateway runs with the defaults.
 */
export interface SweepOptions {
  /** At most this many rows (SQLite) or index members (Redis) per statement or script; the stores cap it at 500. */
  max?: number;
  /** Gives the event loop a turn between two batches (default: setImmediate). */
  pause?: () => Promise<void>;
  /** Told after each batch: what was swept (a table, an index) and how many it removed. */
  onBatch?: (kind: string, removed: number) => void;
}

/**
 * Everything Threshold keeps. All times are epoch milliseconds. Every record that must go away
 * carries an expiry: Redis uses it as a TTL, SQLite deletes it in `sweep`.
 */
export interface Store {
  /** 'sqlite' or 'redis'. */
  readonly kind: string;
  /** Creates tables or connects. Safe to call on an existing store. */
  init(): Promise<void>;
  /** Closes connections; the store cannot be used afterwards. */
  close(): Promise<void>;
  /** Resolves when the store answers; rejects with the reason otherwise. */
  ping(): Promise<void>;
  /**
   * Resolves once a write where this gateway keeps its own records went through (on Redis
   * Cluster: to the master of this gateway's slot); rejects with the reason otherwise (a lost
   * master, a full or read-only disk). What `/readyz` answers from.
   */
  checkWritable(gatewayId: string): Promise<void>;
  /**
   * Calls `listener` after each reconnect or failover (not the first connect), when writes
   * acknowledged just before may have been dropped. Only stores that can lose them have it.
   */
  onReconnect?(listener: () => void): void;
  /**
   * How many times the store's client ended by itself (gave up reconnecting for good) and a
   * fresh one took its place, since start. Only stores with a client that can end have it.
   */
  readonly clientRevivals?: number;
  /**
   * Runs `fn` (calls of this store) so that its caller can give up on it: once `abandon()` is
   * called, no command `fn` issued, or issues later, is sent to the store any more (not one
   * queued for a reconnect, nor one sent again after a lost connection); each fails instead. Only
   * stores that queue commands have it.
   */
  abandonable?<T>(fn: () => Promise<T>): Abandonable<T>;

  /**
   * Writes a new session and charges its device's usage of the day together (a grant is all or
   * nothing: no charge without the session, no session without its indexes). Idempotent by
   * session id: a replay of a grant already written changes nothing and charges nothing again,
   * so a grant whose answer was lost (a timeout, an outage) can be written through later.
   * Resolves true when this call wrote the session, false when it had been written before.
   *
   * With a `check` (a new grant on the patron's path: POST /accept in one round trip), the store
   * also compares, in the same step, the device's stored usage total with the one the plan was
   * made from and the session code with the live sessions' codes, and writes nothing when either
   * differs: it resolves a `GrantConflict` instead. The code must fit the device (`codeFits`).
   * A replay (no check) never conflicts: it is written as it was decided while the store was away.
   */
  grantSession(session: SessionRecord, charge: GrantCharge, check?: GrantCheck): Promise<boolean | GrantConflict>;
  /**
   * Whether a checked grant of a device (`pseudonym`) can check `code` in the same step (on
   * Redis, whether the code's key is in the device's shard slot). Absent: every code fits.
   * Pure and local: the service draws codes until one fits.
   */
  codeFits?(code: string, pseudonym: string): boolean;
  /** Inserts or replaces a session; it expires by itself `graceMs` after `endsAt`. */
  putSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  /**
   * What `getSession` gives for each id, in order, in as few round trips as the store can: the
   * periodic jobs read their sessions a chunk at a time.
   */
  getSessions(ids: readonly string[]): Promise<(SessionRecord | undefined)[]>;
  /** The live session with this code (codes are unique among live sessions). */
  findSessionByCode(code: string): Promise<SessionRecord | undefined>;
  /** Live sessions, of one gateway or of all. */
  listSessions(gatewayId?: string): Promise<SessionRecord[]>;
  /** Deletes a session and its code; resolves true when it existed. */
  deleteSession(id: string): Promise<boolean>;
  /**
   * One page of live sessions (of one gateway, or of all when `gatewayId` is undefined), in the
   * order of `compareSessions`: every session live for the whole walk is returned exactly once,
   * whatever is added or removed meanwhile, and no call reads more than `limit` records.
   * Periodic jobs and the staff console walk the store with it instead of `listSessions`.
   */
  scanSessions(gatewayId: string | undefined, cursor: string | undefined, limit: number, opts?: ScanOptions): Promise<SessionPage>;
  /**
   * How many sessions are running (`endsAt` still ahead) in each of these zones, across every
   * gateway, without reading the records.
   */
  countSessionsByZone(zoneIds: readonly string[]): Promise<Record<string, number>>;
  /**
   * Compare-and-set of a session's sealed address (the re-seal job): replaces it with `next`
   * only while the stored record still holds `session.sealedAddress`. Resolves true when replaced.
   */
  replaceSealedAddress(session: Pick<SessionRecord, 'id' | 'gatewayId' | 'pseudonym' | 'sealedAddress'>, next: string): Promise<boolean>;
  /** `replaceSealedAddress` for many sessions in one go (one transaction or one pipeline); one answer each. */
  replaceSealedAddresses(changes: readonly SealedChange[]): Promise<boolean[]>;
  /**
   * Compare-and-set of a session's end, in one atomic step: sets `endsAt` (and the record's
   * expiry) only while the stored record still ends at `expectedEndsAt`. Resolves the record as
   * changed, or undefined when the session is gone or was changed meanwhile (read it again and
   * decide again). With `usage` (the session's own device and day), the device's usage changes
   * in the same step, only when the session does: a store that fails meanwhile does both or neither.
   */
  setSessionEnd(id: string, expectedEndsAt: number, endsAt: number, usage?: UsageChange): Promise<SessionRecord | undefined>;
  /**
   * Deletes a session only while it still ends at `expectedEndsAt`, in one atomic step, so a
   * session ended by one caller cannot be changed by another. Resolves the record deleted, or
   * undefined when it was gone or changed meanwhile. With `usage`, as for setSessionEnd.
   */
  takeSession(id: string, expectedEndsAt: number, usage?: UsageChange): Promise<SessionRecord | undefined>;

  /**
   * Adds `deltaSeconds` (negative for a refund) to a device's usage for a day and returns the
   * new total. The record expires at `expiresAt`.
   */
  addUsage(day: string, pseudonym: string, deltaSeconds: number, expiresAt: number): Promise<number>;
  getUsage(day: string, pseudonym: string): Promise<number>;

  getPolicy(zoneId: string): Promise<Policy | undefined>;
  setPolicy(zoneId: string, policy: Policy): Promise<void>;

  /**
   * One of the library's settings staff set in the console (src/branding/): a document by name,
   * shared by every gateway, never expiring. Resolves undefined when it was never set or was
   * cleared. The caller validates what it reads: a document it cannot parse counts as unset.
   */
  getLibrarySetting(name: LibrarySettingName): Promise<string | undefined>;
  /** Writes (or, with undefined, clears) a library setting. */
  setLibrarySetting(name: LibrarySettingName, value: string | undefined): Promise<void>;

  /**
   * Adds to a zone's counters for an hour. With `opId`, the same update sent again (a retry
   * after a timeout whose write may have landed) counts once on Redis; SQLite's writes are
   * synchronous and in-process, so their outcome is never in doubt and it needs no marker.
   */
  bumpStats(zoneId: string, hour: number, counts: Partial<Record<StatCounter, number>>, expiresAt: number, opId?: string): Promise<void>;
  /** Raises the hour's peak of concurrent sessions to `value` if it is higher. */
  raisePeak(zoneId: string, hour: number, value: number, expiresAt: number): Promise<void>;
  /** Hourly rows with `from <= hour < to`, for one zone or all, ordered by hour then zone. */
  readStats(from: number, to: number, zoneId?: string): Promise<HourlyStats[]>;

  /**
   * Deletes everything that has expired at `now` (where the backend expires records by itself,
   * their ids from its indexes), a bounded batch per statement or script, the event loop let run
   * in between (see SweepOptions).
   */
  sweep(now: number, opts?: SweepOptions): Promise<void>;
  /**
   * Deletes every usage record of a day whose key was destroyed, and its sessions (of one
   * gateway when `gatewayId` is given: other gateways' sessions are theirs to end).
   */
  purgeDay(day: string, gatewayId?: string): Promise<void>;

  /** Staff accounts, console sessions, audit log, secrets and access passes (see staff-types.ts). */
  readonly staff: StaffStore;
  /** Workstations, enrolment codes, health history and commands; `sweep` expires them too. */
  readonly workstations: WorkstationStore;
  /** Kiosk zones' waiting lists: tickets, holds and bookings (see queue-types.ts); `sweep` expires them too. */
  readonly queue: QueueStore;
}

/** How long a session record outlives its end, so a restart can still revoke it. */
export const SESSION_GRACE_MS = 10 * 60_000;

/** Options of `Store.scanSessions`. */
export interface ScanOptions {
  /** Walk towards earlier sessions, from `cursor` (exclusive); the page is still in ascending order. */
  backward?: boolean;
  /**
   * Says, from a session's id and end, whether its record must be read. Sessions it declines
   * are listed in `unread` (the reconcile job re-reads only what changed).
   */
  read?: (id: string, endsAt: number) => boolean;
  /** Only sessions whose `endsAt` is later than this (the staff console leaves out ended ones). */
  endingAfter?: number;
}

/** A page of `Store.scanSessions`. */
export interface SessionPage {
  /** The records read, in ascending order. */
  sessions: SessionRecord[];
  /** Ids of live sessions on this page whose record `read` declined. */
  unread: string[];
  /** The cursor of the following page in the same direction; undefined when this was the last. */
  next?: string;
}

export * from './session-walk';
export * from './stat-types';
export * from './workstation-types';
export * from './queue-types';

/** A store call its caller may give up on (`Store.abandonable`). */
export interface Abandonable<T> {
  result: Promise<T>;
  /** Nothing of the call is sent to the store from now on. */
  abandon(): void;
}
