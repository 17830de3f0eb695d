// Sessions another gateway owns (several gateways sharing one Redis): staff change the store
// record, and the owning gateway's reconcile() applies it to its live view and firewall.
import type { Config, Policy } from '../config/schema';
import type { Clock } from '../domain/clock';
import { openStatus } from '../domain/opening-hours';
import { shortenedEnd } from '../domain/quota';
import type { Logger } from '../logger';
import type { SessionService } from '../sessions/session-service';
import type { SessionRecord, Store } from '../store/types';

export interface RemoteSessionsDeps {
  config: Config;
  store: Store;
  clock: Clock;
  sessions: SessionService;
  logger: Logger;
}

export class RemoteSessions {
  constructor(private readonly d: RemoteSessionsDeps) {}

  /**
   * Extends another gateway's session. Like SessionService.extendSession: never past closing
   * time, and the time counts against the device's allowance.
   */
  async extend(record: SessionRecord, bySeconds: number): Promise<{ ok: true; addedSeconds: number } | { ok: false; reason: 'closed' }> {
    const policy = await this.d.sessions.policies.get(record.zoneId);
    const open = openStatus(policy, this.d.clock.now(), this.d.config.timezone);
    let endsAt = record.endsAt + bySeconds * 1000;
    if (open.closesAt !== undefined) endsAt = Math.min(endsAt, open.closesAt);
    const added = Math.floor((endsAt - record.endsAt) / 1000);
    if (added <= 0) return { ok: false, reason: 'closed' };
    await this.setEnd(record, endsAt);
    this.d.logger.info({ event: 'session.extend', zone: record.zoneId, seconds: added, elsewhere: true }, 'session extended');
    return { ok: true, addedSeconds: added };
  }

  /** Shortens the running sessions other gateways own in a zone to a new policy; returns how many. */
  async applyPolicy(zoneId: string, policy: Policy): Promise<number> {
    const now = this.d.clock.now();
    const open = openStatus(policy, now, this.d.config.timezone);
    let changed = 0;
    // A page at a time: every gateway's sessions together may be 100,000.
    let cursor: string | undefined;
    do {
      const page = await this.d.store.scanSessions(undefined, cursor, 500, { endingAfter: now });
      for (const r of page.sessions) {
        if (r.gatewayId === this.d.config.gatewayId || r.zoneId !== zoneId) continue;
        const end = shortenedEnd(r, policy, open, now);
        if (end >= r.endsAt) continue;
        // end() works on any gateway's record: it refunds, counts the minutes and deletes it.
        if (end <= now) await this.d.sessions.end(r.id, 'staff');
        else await this.setEnd(r, end);
        changed++;
      }
      cursor = page.next;
    } while (cursor);
    return changed;
  }

  /** Moves a session's end in the store, charging or refunding the difference to its allowance. */
  private async setEnd(record: SessionRecord, endsAt: number): Promise<void> {
    const delta = Math.floor((endsAt - record.endsAt) / 1000);
    if (delta !== 0) await this.d.store.addUsage(record.day, record.pseudonym, delta, this.d.sessions.usageExpiry(record.day));
    await this.d.store.putSession({ ...record, endsAt });
  }
}
