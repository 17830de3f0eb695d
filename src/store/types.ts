// The Store contract: everything Threshold keeps, behind one interface with SQLite and Redis
// implementations that pass one shared contract suite (test/contract/store.contract.ts).
import type { Policy } from '../config/schema';
import type { StaffStore } from './staff-types';
import type { WorkstationStore } from './workstation-types';

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

/** What a grant charges to its device's allowance of the session's day. */
export interface GrantCharge {
  /** Seconds granted. */
  seconds: number;
  /** When the usage record expires (epoch ms). */
  expiresAt: number;
}

/** Aggregate counters kept per zone and hour. No identifier, no per-session row. */
export const STAT_COUNTERS = [
  'sessionsStarted',
  'minutesUsed',
  'passesRedeemed',
  'refusedAllowance',
  'refusedClosed',
  'kioskUses',
  'learnViews',
] as const;
export type StatCounter = (typeof STAT_COUNTERS)[number];

export interface HourlyStats {
  zoneId: string;
  /** Epoch milliseconds of the start of the hour (UTC hour boundary). */
  hour: number;
  counts: Record<StatCounter, number>;
  /** The most sessions live at once during the hour. */
  peakConcurrent: number;
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
   * Writes a new session and charges its device's usage of the day together (a grant is all or
   * nothing: no charge without the session, no session without its indexes). Idempotent by
   * session id: a replay of a grant already written changes nothing and charges nothing again,
   * so a grant whose answer was lost (a timeout, an outage) can be written through later.
   * Resolves true when this call wrote the session, false when it had been written before.
   */
  grantSession(session: SessionRecord, charge: GrantCharge): Promise<boolean>;
  /** Inserts or replaces a session; it expires by itself `graceMs` after `endsAt`. */
  putSession(session: SessionRecord): Promise<void>;
  getSession(id: string): Promise<SessionRecord | undefined>;
  /** The live session with this code (codes are unique among live sessions). */
  findSessionByCode(code: string): Promise<SessionRecord | undefined>;
  /** Live sessions, of one gateway or of all. */
  listSessions(gatewayId?: string): Promise<SessionRecord[]>;
  /** Deletes a session and its code; resolves true when it existed. */
  deleteSession(id: string): Promise<boolean>;

  /**
   * Adds `deltaSeconds` (negative for a refund) to a device's usage for a day and returns the
   * new total. The record expires at `expiresAt`.
   */
  addUsage(day: string, pseudonym: string, deltaSeconds: number, expiresAt: number): Promise<number>;
  getUsage(day: string, pseudonym: string): Promise<number>;

  getPolicy(zoneId: string): Promise<Policy | undefined>;
  setPolicy(zoneId: string, policy: Policy): Promise<void>;

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

  /** Deletes everything that has expired at `now` (a no-op where the backend expires by itself). */
  sweep(now: number): Promise<void>;
  /** Deletes every usage record and session of a day whose key was destroyed. */
  purgeDay(day: string): Promise<void>;

  // ---- Staff console ----
  /** Staff accounts, console sessions, audit log, secrets and access passes (see staff-types.ts). */
  readonly staff: StaffStore;
  // ---- Public workstations (issue 5) ----
  /** Workstations, enrolment codes, health history and commands; `sweep` expires them too. */
  readonly workstations: WorkstationStore;
}

/** How long a session record outlives its end, so a restart can still revoke it. */
export const SESSION_GRACE_MS = 10 * 60_000;

export function emptyCounts(): Record<StatCounter, number> {
  return Object.fromEntries(STAT_COUNTERS.map((c) => [c, 0])) as Record<StatCounter, number>;
}

// ---- Public workstations (issue 5) ----
export * from './workstation-types';
