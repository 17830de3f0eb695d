// The audit log of staff actions: who did what, to which policy, session or pass batch, when.
// Staff are not patrons, so this log is kept (config auditRetentionDays); it never names a patron.
import type { Clock } from '../domain/clock';
import type { RandomSource } from '../privacy/random';
import type { AuditEntry } from '../store/staff-types';
import type { Store } from '../store/types';

export interface AuditLogDeps {
  store: Store;
  clock: Clock;
  random: RandomSource;
  retentionDays: number;
}

export class AuditLog {
  constructor(private readonly d: AuditLogDeps) {}

  /** Records one action. `target` is a zone id, batch id, user name or session code. */
  async record(actor: string, action: string, target: string, detail: string): Promise<void> {
    const at = this.d.clock.now();
    const entry: AuditEntry = { id: this.d.random.bytes(8).toString('hex'), at, actor, action, target, detail };
    await this.d.store.staff.appendAudit(entry, at + this.d.retentionDays * 86_400_000);
  }

  list(limit: number, offset = 0): Promise<AuditEntry[]> {
    return this.d.store.staff.listAudit(limit, offset);
  }
}
