// Rate limits for the agent API: a fixed-window counter per key, in memory. It is cheaper than a
// general limiter on the heartbeat path (the hottest one), and it can count only failures, so
// many good requests in flight at once from one address are never held back. Source addresses
// are counted under a keyed hash, so no raw address is held.
import type { Clock } from '../domain/clock';
import { tooManyRequests } from '../http/errors';

export class WindowCounter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly clock: Clock,
    /** Most keys kept; past it, expired windows are dropped (and the oldest, if need be). */
    private readonly maxKeys = 10_000,
  ) {}

  /** Seconds until `key` may go on, or 0 when it may now. */
  retryAfter(key: string): number {
    const w = this.windows.get(key);
    const now = this.clock.now();
    if (!w || w.resetAt <= now || w.count < this.limit) return 0;
    return Math.ceil((w.resetAt - now) / 1000);
  }

  add(key: string): void {
    const now = this.clock.now();
    const w = this.windows.get(key);
    if (w && w.resetAt > now) w.count++;
    else this.windows.set(key, { count: 1, resetAt: now + this.windowMs });
    if (this.windows.size > this.maxKeys) this.prune(now);
  }

  /** How many keys are being counted. */
  get size(): number {
    return this.windows.size;
  }

  /** Throws a 429 with Retry-After when `key` is over its limit. */
  check(key: string, message: string): void {
    const wait = this.retryAfter(key);
    if (wait > 0) throw tooManyRequests(message, wait);
  }

  private prune(now: number): void {
    for (const [k, w] of this.windows) if (w.resetAt <= now) this.windows.delete(k);
    while (this.windows.size > this.maxKeys) this.windows.delete(this.windows.keys().next().value!);
  }
}
