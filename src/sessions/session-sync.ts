// Keeping this gateway's live view and its firewall in step with the store: at start (a
// restart logs nobody out), every reconcile (changes made by staff, the CLI or another process),
// and when the firewall lost its table.
import type { FirewallClient } from '../firewall/types';
import type { LiveSession, LiveView } from './live-view';
import type { ClientAddress, SessionServiceDeps } from './session-service';

/** The firewall entry of a live session: its address, zone and the time it has left. */
export function firewallClient(s: LiveSession, now: number): FirewallClient {
  return { ip: s.ip, mac: s.mac, zoneId: s.record.zoneId, timeoutSeconds: Math.ceil((s.record.endsAt - now) / 1000) };
}

export class SessionSync {
  /**
   * @param pending grants in flight per address: a session being granted is not in the store
   *   yet, so it must not be taken for one that ended elsewhere
   * @param unwritten ids of grants made while the store was away and not yet written through:
   *   likewise not in the store yet
   */
  constructor(
    private readonly d: Pick<SessionServiceDeps, 'config' | 'store' | 'firewall' | 'keys' | 'clock' | 'logger'>,
    private readonly live: LiveView,
    private readonly pending: ReadonlyMap<string, unknown>,
    private readonly unwritten: () => ReadonlySet<string> = () => new Set(),
  ) {}

  /**
   * Loads this gateway's sessions from the store and lets them through the firewall again, so
   * a restart logs nobody out. Sessions whose key is gone cannot be re-created and are dropped.
   */
  async start(): Promise<void> {
    await this.reconcile();
    const all = this.live.all();
    const now = this.d.clock.now();
    const alive = all.filter((s) => s.record.endsAt > now);
    // The kernel may still let through clients whose sessions ended while Threshold was down.
    const keep = new Set(alive.map((s) => s.ip));
    const stale = (await this.d.firewall.list()).filter((e) => !keep.has(e.ip));
    if (stale.length) await this.d.firewall.revoke(stale.map((e) => ({ ip: e.ip, ...(e.mac ? { mac: e.mac } : {}) })));
    if (alive.length) {
      await this.d.firewall.allow(alive.map((s) => firewallClient(s, now)));
    }
    this.d.logger.info({ event: 'sessions.restored', count: alive.length }, 'sessions restored');
  }

  /**
   * Brings the live view in step with the store: picks up sessions changed or ended elsewhere
   * (staff console, CLI, another process) and re-creates those loaded at start.
   */
  async reconcile(): Promise<void> {
    // Taken before the listing: a grant written through while it is read may be missing from it.
    const unwrittenBefore = this.unwritten();
    const records = await this.d.store.listSessions(this.d.config.gatewayId);
    const seen = new Set<string>();
    const now = this.d.clock.now();
    let n = 0;
    for (const record of records) {
      // Let probes through while a large gateway is reconciled.
      if (++n % 500 === 0) await new Promise((r) => setImmediate(r));
      seen.add(record.id);
      const mine = this.live.byIdOf(record.id);
      if (mine) {
        if (mine.record.endsAt !== record.endsAt && record.endsAt > now) {
          mine.record = record;
          await this.d.firewall.allow([firewallClient(mine, now)]);
        }
        continue;
      }
      const addr = this.d.keys.open<ClientAddress>(record.day, record.sealedAddress);
      if (!addr) {
        await this.d.store.deleteSession(record.id);
        continue;
      }
      this.live.set({ record, ip: addr.ip, ...(addr.mac ? { mac: addr.mac } : {}) });
    }
    const unwrittenNow = this.unwritten();
    for (const s of this.live.all()) {
      const unwritten = unwrittenBefore.has(s.record.id) || unwrittenNow.has(s.record.id);
      if (!seen.has(s.record.id) && !this.pending.has(s.ip) && !unwritten) {
        this.live.delete(s.record.id);
        await this.d.firewall.revoke([{ ip: s.ip, mac: s.mac }]);
        this.d.logger.info({ event: 'session.end', zone: s.record.zoneId, reason: 'elsewhere' }, 'session ended elsewhere');
      }
    }
  }

  /**
   * Lets through again live sessions the firewall no longer holds (its table deleted by a
   * reload of the host firewall, say). Returns how many.
   */
  async restoreMissing(): Promise<number> {
    const now = this.d.clock.now();
    const held = new Set((await this.d.firewall.list()).map((e) => e.ip));
    const missing = this.live.all().filter((s) => s.record.endsAt > now && !held.has(s.ip) && !this.pending.has(s.ip));
    if (!missing.length) return 0;
    await this.d.firewall.allow(missing.map((s) => firewallClient(s, now)));
    this.d.logger.warn({ event: 'firewall.restored', count: missing.length }, `${missing.length} session(s) were missing from the firewall and were let through again`);
    return missing.length;
  }
}
