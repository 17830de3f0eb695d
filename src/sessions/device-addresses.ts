// One device, one session: the other addresses of a device let through (its IPv6 and privacy
// addresses, a new lease) join its session, so they are let through with it, count against the
// same allowance and end with it. The kernel notes them (nftables' arrivals sets); this takes them in.
import type { ZoneResolver } from '../domain/zones';
import type { Firewall, FirewallClient } from '../firewall/types';
import { forEachChunk } from '../jobs/chunks';
import type { LiveSession, LiveView } from './live-view';
import { firewallClients } from './session-sync';

/** How often the kernel's note of new addresses is read (a new address waits at most this long, plus one TCP retry). */
export const LEARN_EVERY_MS = 1_000;

export class DeviceAddresses {
  constructor(
    private readonly firewall: Firewall,
    private readonly live: LiveView,
    private readonly zones: ZoneResolver,
    private readonly now: () => number,
  ) {}

  /**
   * Admits the new addresses the firewall saw from devices that have a live session. An address
   * another session holds, or outside the session's zone, is not taken: a device cannot take
   * over a neighbour's address, nor one of another zone. Returns how many were admitted.
   */
  async learn(): Promise<number> {
    if (!this.firewall.arrivals || !this.live.hasDevices) return 0;
    const seen = await this.firewall.arrivals();
    const taken: [LiveSession, string][] = [];
    // Up to 8,192 noted addresses: in chunks, like every job's walk.
    await forEachChunk(seen, (chunk) => {
      const now = this.now();
      for (const { ip, mac } of chunk) {
        const s = this.live.forMac(mac, now);
        if (s && this.take(s, ip)) taken.push([s, ip]);
      }
    });
    // Only sessions still live, and sent with no await before the firewall has them: a session
    // that ended during the walk revoked its addresses already, and must not be let through again.
    const now = this.now();
    const admit: FirewallClient[] = taken
      .filter(([s]) => this.live.byIdOf(s.record.id) === s && s.record.endsAt > now)
      .flatMap(([s, ip]) => firewallClients({ ...s, ip, more: [] }, now));
    if (admit.length) await this.firewall.allow(admit);
    return admit.length;
  }

  /**
   * The session of the device at `client`, when the device already has one from another of its
   * addresses: the address joins it and is let through (a login over IPv6 of a device online
   * over IPv4). Undefined when the device has no session, or the address cannot join it.
   */
  async adopt(client: { ip: string; mac?: string }): Promise<LiveSession | undefined> {
    if (!client.mac) return undefined;
    const now = this.now();
    const s = this.live.forMac(client.mac, now);
    if (!s || !this.take(s, client.ip)) return undefined;
    await this.firewall.allow(firewallClients({ ...s, ip: client.ip, more: [] }, now));
    return s;
  }

  private take(s: LiveSession, ip: string): boolean {
    return this.zones.zoneFor(ip)?.id === s.record.zoneId && this.live.attach(s, ip);
  }
}
