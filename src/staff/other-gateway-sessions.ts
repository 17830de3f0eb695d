// Sessions another gateway owns (several gateways sharing one Redis): staff change the store
// record, and the owning gateway's reconcile() applies it to its live view and firewall.
import type { Config, Policy } from '../config/schema';
import type { Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { SessionService } from '../sessions/session-service';
import type { SessionRecord, Store } from '../store/types';
import { forEachPage } from '../jobs/chunks';

export interface OtherGatewaySessionsDeps {
  config: Config;
  store: Store;
  clock: Clock;
  sessions: SessionService;
  logger: Logger;
}

export class OtherGatewaySessions {
  constructor(private readonly d: OtherGatewaySessionsDeps) {}

  /**
   * Extends another gateway's session. Like SessionService.extendSession (it is the same
   * compare-and-set): never past closing time, and the time counts against the device's allowance.
   */
  async extend(record: SessionRecord, bySeconds: number): Promise<{ ok: true; addedSeconds: number } | { ok: false; reason: string }> {
    return this.d.sessions.extendById(record.id, { bySeconds });
  }

  /** Shortens the running sessions other gateways own in a zone to a new policy; returns how many. */
  async applyPolicy(zoneId: string, policy: Policy): Promise<number> {
    const now = this.d.clock.now();
    let changed = 0;
    // A page at a time, sized by time: every gateway's sessions together may be 100,000.
    await forEachPage(
      (cursor, size) => this.d.store.scanSessions(undefined, cursor, size, { endingAfter: now }),
      async (page) => {
        const others = page.sessions.filter((r) => r.gatewayId !== this.d.config.gatewayId);
        // Each is changed by compare-and-set on its stored record; the owner's reconcile applies it.
        changed += await this.d.sessions.applyPolicyToRunning(zoneId, policy, others);
      },
    );
    return changed;
  }
}
