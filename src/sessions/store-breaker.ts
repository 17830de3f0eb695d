// The outage breaker on patron paths: a bounded wait for the shared store, then fail fast while
// it is away, so a stopped, frozen or failing-over store never makes a patron wait seconds.
import { performance } from 'node:perf_hooks';
import { DomainError } from '../domain/errors';
import { translator } from '../i18n/translate';
import type { Logger } from '../logger';
import type { Abandonable, Store } from '../store/types';

/** How long a patron-path store call may take before the store is taken as away. */
export const STORE_TIMEOUT_MS = 1000;
/** How long calls fail fast after a failure before one is let through to try the store again. */
export const STORE_RETRY_MS = 2000;
/** What the "one moment" page asks a browser to wait before it tries again, in seconds. */
export const RETRY_AFTER_SECONDS = 5;

/** The error a patron sees while the store is away (the "one moment" page, with when to try again). */
export function storeAway(cause?: unknown): DomainError {
  return new DomainError('unavailable', 'store_unavailable', translator('en')('wait.message'), {
    key: 'wait.message',
    titleKey: 'wait.title',
    retryAfterSeconds: RETRY_AFTER_SECONDS,
    cause,
  });
}

/** True for the error `storeAway` makes (and for nothing else). */
export function isStoreAway(err: unknown): boolean {
  return err instanceof DomainError && err.code === 'store_unavailable';
}

export interface StoreBreakerOptions {
  timeoutMs?: number;
  retryMs?: number;
  /** A monotonic clock in ms (real time: timeouts are real). */
  now?: () => number;
  logger?: Logger;
}

/**
 * Runs store calls with a time limit. After a failure (an error or the time limit) the store
 * counts as away for `retryMs`: calls fail at once with `storeAway()`. Then calls go through
 * again; the first success calls the `onBack` listeners (the write-through).
 */
export class StoreBreaker {
  private awayUntil = 0;
  /** Why the store was last taken as away (a message, for diagnosis). */
  lastFailure: string | undefined;
  private wasAway = false;
  private readonly backListeners: (() => void)[] = [];
  /** How a call is made so that what it has not sent yet is dropped when it is given up (the store's `abandonable`). */
  private scoped: (<T>(fn: () => Promise<T>) => Abandonable<T>) | undefined;
  private readonly timeoutMs: number;
  private readonly retryMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: StoreBreakerOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? STORE_TIMEOUT_MS;
    this.retryMs = opts.retryMs ?? STORE_RETRY_MS;
    this.now = opts.now ?? (() => performance.now());
  }

  /** True while calls fail fast (a failure less than `retryMs` ago). */
  get away(): boolean {
    return this.now() < this.awayUntil;
  }

  /** True from a failure until the next success: what the store holds may be behind. */
  get behind(): boolean {
    return this.wasAway;
  }

  /** Calls `listener` when the store answers again after being away. */
  onBack(listener: () => void): void {
    this.backListeners.push(listener);
  }

  /**
   * Makes each call through `scoped`, and abandons it when it fails: a call given up on never
   * reaches the store later (on Redis, ioredis would send it when it reconnects).
   */
  abandonWith(scoped: (<T>(fn: () => Promise<T>) => Abandonable<T>) | undefined): void {
    this.scoped = scoped;
  }

  /** Runs `fn` within the time limit; any failure marks the store away and rejects with `storeAway()`. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.away) throw storeAway();
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`the store did not answer within ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    const call = this.scoped ? this.scoped(fn) : { result: fn(), abandon: () => undefined };
    try {
      const value = await Promise.race([call.result, limit]);
      this.succeeded();
      return value;
    } catch (err) {
      call.abandon();
      if (isStoreAway(err)) throw err;
      this.failed(err);
      throw storeAway(err);
    } finally {
      clearTimeout(timer);
    }
  }

  private succeeded(): void {
    if (!this.wasAway) return;
    this.wasAway = false;
    this.opts.logger?.info({ event: 'store.back' }, 'the shared store answers again: writing through what was kept locally');
    for (const listener of this.backListeners) listener();
  }

  private failed(err: unknown): void {
    this.lastFailure = err instanceof Error ? err.message : String(err);
    if (!this.wasAway) this.opts.logger?.warn({ event: 'store.away', err: err instanceof Error ? err.message : String(err) }, 'the shared store is away: admitting patrons from what this gateway knows');
    this.wasAway = true;
    this.awayUntil = this.now() + this.retryMs;
  }
}

/**
 * The store with each of its own methods run through the breaker (not `staff` or
 * `workstations`), for the session changes a patron waits on: extend, log out, end.
 */
export function guardedStore(store: Store, breaker: StoreBreaker): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => breaker.run(() => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args));
    },
  });
}
