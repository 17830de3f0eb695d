// Signed-in staff: a random token in an HttpOnly, SameSite=Strict cookie; the store knows only
// its SHA-256. Sessions slide: each request moves the expiry on, up to an absolute limit.
import crypto from 'node:crypto';
import type { Clock } from '../domain/clock';
import type { RandomSource } from '../privacy/random';
import type { Store } from '../store/types';

/** The console's session cookie. */
export const STAFF_COOKIE = 'th_staff';
/** However active, a console session ends this long after sign-in. */
export const MAX_SESSION_MS = 12 * 3_600_000;
/**
 * The expiry is slid at most this often, so a busy page does not write on every request; never
 * less often than a tenth of the idle timeout, so sign-out comes within 10% of it.
 */
const TOUCH_EVERY_MS = 60_000;
const TOUCH_FRACTION = 10;

export interface StaffSignInsDeps {
  store: Store;
  clock: Clock;
  random: RandomSource;
  idleMinutes: number;
}

export interface SignedIn {
  username: string;
  tokenHash: string;
}

export function tokenHash(token: string): string {
  return crypto.createHash('sha256').update(token).digest('base64url');
}

export class StaffSignIns {
  constructor(private readonly d: StaffSignInsDeps) {}

  private get idleMs(): number {
    return this.d.idleMinutes * 60_000;
  }

  /** Starts a session for a user; returns the token for the cookie (never stored). */
  async create(username: string): Promise<string> {
    const token = this.d.random.bytes(32).toString('base64url');
    const now = this.d.clock.now();
    await this.d.store.staff.putConsoleSession(tokenHash(token), { username, createdAt: now, lastSeenAt: now }, now + this.idleMs);
    return token;
  }

  /** The signed-in user of a cookie token, sliding the expiry; undefined when none or expired. */
  async resolve(token: string | undefined): Promise<SignedIn | undefined> {
    if (!token || token.length > 100) return undefined;
    const hash = tokenHash(token);
    const s = await this.d.store.staff.getConsoleSession(hash);
    if (!s) return undefined;
    const now = this.d.clock.now();
    if (now - s.createdAt >= MAX_SESSION_MS || now - s.lastSeenAt >= this.idleMs) {
      await this.d.store.staff.deleteConsoleSession(hash);
      return undefined;
    }
    if (now - s.lastSeenAt >= Math.min(TOUCH_EVERY_MS, this.idleMs / TOUCH_FRACTION)) {
      const expiresAt = Math.min(now + this.idleMs, s.createdAt + MAX_SESSION_MS);
      await this.d.store.staff.putConsoleSession(hash, { ...s, lastSeenAt: now }, expiresAt);
    }
    return { username: s.username, tokenHash: hash };
  }

  async destroy(token: string | undefined): Promise<void> {
    if (token) await this.d.store.staff.deleteConsoleSession(tokenHash(token));
  }

  /** Cookie lifetime: the browser may forget it with the session; the store decides expiry. */
  get cookieMaxAgeMs(): number {
    return MAX_SESSION_MS;
  }
}
