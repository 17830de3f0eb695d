// After a failover or a reconnect of the store, this gateway writes back those of its live
// sessions the store no longer has (a write acknowledged by a master that was then demoted is
// dropped), from its in-process live view, in small chunks so probes never wait behind it. The
// view keeps no sealed address: each record is written with its address sealed again under the
// current epoch key. A pass that fails (a command errs or times out: the store went again, or
// the commands a lost connection left unanswered are not sent again) is tried again, with
// backoff, until one succeeds, and at once when the outage breaker sees the store back: it never
// waits for a next reconnect, which may not come. While the breaker holds the store as away no
// pass is tried, and each starts with a PING; an outage logs one warning and one recovery.
import type { LiveView } from './live-view';
import type { SessionServiceDeps } from './session-types';
import { storedRecord } from './stored-record';

/** Sessions looked up (and written back where missing) per chunk. */
const CHUNK = 100;
/** Never hold the event loop longer than this between yields. */
const MAX_HOLD_MS = 10;
/** Extra passes for sessions whose grant was in flight, and the wait before each. */
const MAX_ROUNDS = 5;
const ROUND_DELAY_MS = 500;
/** The wait before trying a failed pass again: doubled after each failure, up to the most. */
export const RETRY_FIRST_MS = 500;
export const RETRY_MOST_MS = 10_000;

export class SessionReassert {
  private running: Promise<number> | undefined;
  private again = false;
  /** A pass failed and none has succeeded since: the store may still lack live sessions. */
  private failed = false;
  private retryDelay = RETRY_FIRST_MS;
  private retryTimer: NodeJS.Timeout | undefined;

  /**
   * @param pending grants in flight per address: their sessions are being written already
   * @param waiting ids of grants kept while the store was away (a snapshot): the write-through
   *   writes each with its charge and the sealed address its live epoch says; one written back
   *   here would be overwritten by it under another epoch, whose key the re-seal job then destroys
   */
  constructor(
    private readonly d: Pick<SessionServiceDeps, 'config' | 'store' | 'keys' | 'clock' | 'logger'>,
    private readonly live: LiveView,
    private readonly pending: ReadonlyMap<string, unknown>,
    private readonly waiting: () => ReadonlySet<string> = () => new Set(),
    private readonly storeAway: () => boolean = () => false,
  ) {}

  /** Starts a pass (or one more after the current one); resolves when every pass is done. */
  request(): Promise<number> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.cancelRetry();
    const run = async (): Promise<number> => {
      // The breaker knows the store is away: nothing is sent; the retry (or the breaker's
      // "back") comes later.
      if (this.storeAway()) throw new NotTried('the outage breaker holds the store as away');
      await this.d.store.ping().catch(() => {
        throw new NotTried('the store does not answer PING');
      });
      let total = 0;
      for (let round = 0; ; round++) {
        this.again = false;
        const { restored, skipped } = await this.pass();
        total += restored;
        // A grant in flight at the switch may have been acknowledged by the old master: look
        // at its session again once it is done (a few rounds at the most).
        if (skipped > 0 && round < MAX_ROUNDS) this.again = true;
        if (!this.again) break;
        if (skipped > 0) await new Promise((r) => setTimeout(r, ROUND_DELAY_MS));
      }
      return total;
    };
    this.running = run()
      .then((total) => {
        if (this.failed) this.d.logger.info({ event: 'sessions.reassert_recovered', count: total }, 'live sessions were written back to the store after a failed attempt');
        this.failed = false;
        this.retryDelay = RETRY_FIRST_MS;
        return total;
      })
      .catch((err: unknown) => {
        // One warning an outage, not one a retry: the recovery is logged when a pass succeeds.
        if (!this.failed) {
          const why = err instanceof NotTried ? { reason: err.message } : { err };
          this.d.logger.warn({ ...why, event: 'sessions.reassert_failed', retryInMs: this.retryDelay }, 'could not write live sessions back to the store; trying again until it works');
        }
        this.failed = true;
        this.scheduleRetry();
        this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MOST_MS);
        return 0;
      })
      .finally(() => (this.running = undefined));
    return this.running;
  }

  /** True from a failed pass until one succeeds: the store may lack live sessions of this gateway. */
  get owed(): boolean {
    return this.failed;
  }

  /** Tries a failed pass again now (the store answers again): nothing when none is owed. */
  retryNow(): void {
    if (this.failed && !this.running) void this.request();
  }

  private scheduleRetry(): void {
    this.cancelRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.request();
    }, this.retryDelay);
    // A retry never keeps the process alive on its own.
    this.retryTimer.unref();
  }

  private cancelRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Resolves once no pass is running (the reconcile waits, so it never ends a session a pass is restoring). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  /** One pass over the live view: how many sessions were written back, how many were skipped (in flight). */
  private async pass(): Promise<{ restored: number; skipped: number }> {
    const sessions = this.live.all();
    let restored = 0;
    // Grants in flight now may finish on a write the old master acknowledged: count them too.
    const skipped = this.pending.size;
    for (let i = 0; i < sessions.length; i += CHUNK) {
      const started = Date.now();
      const now = this.d.clock.now();
      // Taken before the reads: a grant written through meanwhile is found, or was left to it.
      const waiting = this.waiting();
      const chunk = sessions.slice(i, i + CHUNK).filter((s) => s.record.endsAt > now && !this.pending.has(s.ip) && !waiting.has(s.record.id));
      const found = await this.d.store.getSessions(chunk.map((s) => s.record.id));
      const missing = chunk.filter((s, j) => found[j] === undefined && this.live.byIdOf(s.record.id) === s);
      const records = missing.map((s) => storedRecord(this.d.keys, s));
      await Promise.all(
        records.map(async (r, j) => {
          if (!r) return;
          await this.d.store.putSession(r);
          missing[j]!.record.epoch = this.d.keys.epochOf(r.day, r.sealedAddress);
          restored++;
        }),
      );
      if (Date.now() - started >= MAX_HOLD_MS || i + CHUNK < sessions.length) await new Promise((r) => setImmediate(r));
    }
    if (restored > 0) {
      this.d.logger.warn({ event: 'sessions.reasserted', count: restored }, `${restored} live session(s) were missing from the store after a reconnect and were written back`);
    }
    return { restored, skipped };
  }
}

/** A pass not tried because the store is known to be away (its message names no host). */
class NotTried extends Error {}
