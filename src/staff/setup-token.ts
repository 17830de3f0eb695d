// The first-run setup token: while no admin exists, the server prints a one-time token at start,
// and /staff/setup?token=… creates the first admin with it. It lives in memory only.
import crypto from 'node:crypto';
import type { RandomSource } from '../privacy/random';
import type { AccountService } from './account-service';

export class SetupToken {
  private token: string | undefined;

  constructor(
    private readonly random: RandomSource,
    private readonly accounts: AccountService,
  ) {}

  /** Makes a token when no admin exists yet (and none is pending); returns it, or undefined. */
  async issueIfNeeded(): Promise<string | undefined> {
    if (await this.accounts.hasAdmin()) return undefined;
    this.token ??= this.random.bytes(24).toString('base64url');
    return this.token;
  }

  /** Whether a token is pending and `given` is it (compared in constant time). */
  matches(given: unknown): boolean {
    if (!this.token || typeof given !== 'string') return false;
    const a = Buffer.from(given);
    const b = Buffer.from(this.token);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  }

  /** Takes the token if `given` matches: true once, false ever after. */
  consume(given: unknown): boolean {
    if (!this.matches(given)) return false;
    this.token = undefined;
    return true;
  }

  /** Puts a consumed token back (the account could not be created). */
  restore(token: string): void {
    this.token ??= token;
  }
}
