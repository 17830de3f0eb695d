// The audit log of staff actions: who did what, to which policy, zone or pass batch, when.
// Staff are not patrons, so this log is kept (config auditRetentionDays); it never names a
// patron, and holds nothing that can be matched to a session record or device: no session
// code (a session action names its zone), and times only to the minute.
import type { Clock } from '../domain/clock';
import type { RandomSource } from '../privacy/random';
import type { AuditEntry } from '../store/staff-types';
import type { Store } from '../store/types';
import { encodeAuditDetail, type AuditDetail } from './audit-text';
import { isStoreFault } from '../store/store-faults';
import { isStoreAway } from '../sessions/store-breaker';

/** Audit times are kept to this precision (one minute), never to the millisecond. */
export const AUDIT_TIME_PRECISION_MS = 60_000;
/** How many entries may wait for the store; past this the oldest waiting one is dropped. */
export const MAX_UNWRITTEN_AUDIT = 1000;

export interface AuditLogDeps {
  store: Store;
  clock: Clock;
  random: RandomSource;
  retentionDays: number;
  /** Runs the entry's write (the outage breaker: a bounded wait); default: as it is. */
  guard?: <T>(fn: () => Promise<T>) => Promise<T>;
}

interface Unwritten {
  entry: AuditEntry;
  expiresAt: number;
}

export class AuditLog {
  /**
   * Entries of actions that were done when the store then went away: they wait here and are
   * written when it answers (`flush`), so a change that was saved is never answered "nothing
   * was saved" because its log line could not be. Memory only: a restart meanwhile loses them.
   */
  private readonly unwritten: Unwritten[] = [];
  private flushing: Promise<number> | undefined;

  constructor(private readonly d: AuditLogDeps) {}

  private write(u: Unwritten): Promise<void> {
    const append = () => this.d.store.staff.appendAudit(u.entry, u.expiresAt);
    return this.d.guard ? this.d.guard(append) : append();
  }

  /** How many entries wait for the store. */
  get waiting(): number {
    return this.unwritten.length;
  }

  /**
   * Records one action. `target` is a zone id, batch id or user name; never a session code.
   * `detail` is kept as message keys and parameters, and worded in each reader's language.
   */
  async record(actor: string, action: string, target: string, detail: AuditDetail): Promise<void> {
    const now = this.d.clock.now();
    const at = now - (now % AUDIT_TIME_PRECISION_MS);
    const entry: AuditEntry = { id: this.d.random.bytes(8).toString('hex'), at, actor, action, target, detail: encodeAuditDetail(detail) };
    // From the minute too: an expiry to the millisecond would give the action's time back.
    const u = { entry, expiresAt: at + this.d.retentionDays * 86_400_000 };
    try {
      await this.write(u);
    } catch (err) {
      // Every caller records an action already done: the entry waits for the store instead.
      if (!isStoreFault(err) && !isStoreAway(err)) throw err;
      if (this.unwritten.length >= MAX_UNWRITTEN_AUDIT) this.unwritten.shift();
      this.unwritten.push(u);
    }
  }

  /**
   * Writes the entries that waited for the store, oldest first, one flush at a time; stops at
   * the first failure (the rest wait for the next). A write that landed late is written again
   * harmlessly: Redis keeps one copy of the same entry. Resolves how many were written.
   */
  flush(): Promise<number> {
    if (!this.unwritten.length) return Promise.resolve(0);
    this.flushing ??= (async () => {
      let n = 0;
      for (let u = this.unwritten[0]; u; u = this.unwritten[0], n++) {
        await this.write(u);
        this.unwritten.shift();
      }
      return n;
    })().finally(() => {
      this.flushing = undefined;
    });
    return this.flushing;
  }

  async list(limit: number, offset = 0): Promise<AuditEntry[]> {
    await this.flush().catch(() => undefined);
    return this.d.store.staff.listAudit(limit, offset);
  }
}
