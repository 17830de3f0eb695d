// The audit log of staff actions: who did what, to which policy, zone or pass batch, when.
// Staff are not patrons, so this log is kept (config auditRetentionDays); it never names a
// patron, and holds nothing that can be matched to a session record or device: no session
// code (a session action names its zone), and times only to the minute.
import type { Clock } from '../domain/clock';
import type { RandomSource } from '../privacy/random';
import type { AuditEntry } from '../store/staff-types';
import type { Store } from '../store/types';
import { encodeAuditDetail, type AuditDetail } from './audit-text';

/** Audit times are kept to this precision (one minute), never to the millisecond. */
export const AUDIT_TIME_PRECISION_MS = 60_000;

export interface AuditLogDeps {
  store: Store;
  clock: Clock;
  random: RandomSource;
  retentionDays: number;
}

export class AuditLog {
  constructor(private readonly d: AuditLogDeps) {}

  /**
   * Records one action. `target` is a zone id, batch id or user name; never a session code.
   * `detail` is kept as message keys and parameters, and worded in each reader's language.
   */
  async record(actor: string, action: string, target: string, detail: AuditDetail): Promise<void> {
    const now = this.d.clock.now();
    const at = now - (now % AUDIT_TIME_PRECISION_MS);
    const entry: AuditEntry = { id: this.d.random.bytes(8).toString('hex'), at, actor, action, target, detail: encodeAuditDetail(detail) };
    // From the minute too: an expiry to the millisecond would give the action's time back.
    await this.d.store.staff.appendAudit(entry, at + this.d.retentionDays * 86_400_000);
  }

  list(limit: number, offset = 0): Promise<AuditEntry[]> {
    return this.d.store.staff.listAudit(limit, offset);
  }
}
