// Branch autonomy: grants made while the shared store was away, kept in memory and written
// through (idempotently, by session id) when it answers again; and this gateway's own view of
// devices' usage, which is what admits patrons meanwhile.
import type { GrantCharge, SessionRecord } from '../store/types';
import type { Logger } from '../logger';

/** How many grants may wait for the store; past this, patrons get the "one moment" page. */
export const MAX_UNWRITTEN = 20_000;
/** How many devices' usage this gateway remembers (the oldest are forgotten first). */
export const MAX_REMEMBERED = 50_000;

/** A grant admitted locally and not yet in the store. */
export interface UnwrittenGrant {
  record: SessionRecord;
  charge: GrantCharge;
}

export class WriteThrough {
  private readonly grants = new Map<string, UnwrittenGrant>();
  private flushing: Promise<number> | undefined;

  /**
   * @param write writes one grant to the store (through the outage breaker), idempotently
   */
  constructor(
    private readonly write: (g: UnwrittenGrant) => Promise<unknown>,
    private readonly logger: Logger,
    private readonly max = MAX_UNWRITTEN,
  ) {}

  /** How many grants wait for the store. */
  get size(): number {
    return this.grants.size;
  }

  /** True when no more grants can be kept. */
  get full(): boolean {
    return this.grants.size >= this.max;
  }

  has(id: string): boolean {
    return this.grants.has(id);
  }

  /** Ids of the grants not yet written (a snapshot). */
  ids(): Set<string> {
    return new Set(this.grants.keys());
  }

  add(grant: UnwrittenGrant): void {
    this.grants.set(grant.record.id, grant);
  }

  /**
   * Writes the waiting grants, oldest first, and stops at the first failure (the store went away
   * again; the rest wait for the next try). One flush at a time. Resolves how many were written.
   */
  flush(): Promise<number> {
    if (!this.grants.size) return Promise.resolve(0);
    this.flushing ??= this.writeAll().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  private async writeAll(): Promise<number> {
    let n = 0;
    try {
      for (const [id, grant] of this.grants) {
        await this.write(grant);
        this.grants.delete(id);
        n++;
      }
    } catch {
      // Still away: what is left is tried again at the next tick or reconnect.
    }
    if (n) this.logger.info({ event: 'store.written-through', count: n, left: this.grants.size }, `${n} grant(s) made while the store was away were written through`);
    return n;
  }
}

/**
 * The usage of devices as this gateway last knew it (read from the store, plus its own grants),
 * per day. Only pseudonyms, never an address; a day's entries go with its key.
 */
export class UsageView {
  /**
   * Per day, per pseudonym: the pseudonym string is the one the session record holds (no
   * `day + pseudonym` key copied per device). Insertion order is the order of last use.
   */
  private readonly days = new Map<string, Map<string, number>>();
  private count = 0;

  constructor(private readonly max = MAX_REMEMBERED) {}

  remember(day: string, pseudonym: string, seconds: number): void {
    let seen = this.days.get(day);
    if (!seen) this.days.set(day, (seen = new Map()));
    if (!seen.delete(pseudonym)) this.count++;
    seen.set(pseudonym, seconds);
    if (this.count > this.max) this.forgetOldest();
  }

  /** The last known usage of a device on a day (0 for one this gateway never saw). */
  known(day: string, pseudonym: string): number {
    return this.days.get(day)?.get(pseudonym) ?? 0;
  }

  /** Forgets every device of a day (its key was destroyed). */
  forgetDay(day: string): void {
    this.count -= this.days.get(day)?.size ?? 0;
    this.days.delete(day);
  }

  /** The device least recently remembered: the first of the oldest day that has any. */
  private forgetOldest(): void {
    for (const [day, seen] of this.days) {
      const first = seen.keys().next();
      if (first.done) {
        this.days.delete(day);
        continue;
      }
      seen.delete(first.value);
      this.count--;
      return;
    }
  }
}
