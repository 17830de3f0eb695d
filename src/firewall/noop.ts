// The noop firewall: remembers what it was told and logs nothing per client. For laptops,
// demos and tests; it enforces nothing.
import type { Logger } from '../logger';
import type { Clock } from '../domain/clock';
import { forEachChunk } from '../jobs/chunks';
import type { Firewall, FirewallClient, FirewallEntry, HeldAddresses } from './types';

export class NoopFirewall implements Firewall {
  readonly name = 'noop';
  /** Nothing is counted (a test's counting firewall says otherwise). */
  readonly countsBytes: boolean = false;
  private readonly entries = new Map<string, { mac?: string; expiresAt: number }>();

  constructor(
    private readonly logger: Logger,
    private readonly clock: Clock,
  ) {}

  async init(): Promise<void> {
    this.logger.info({ firewall: this.name }, 'firewall ready (noop: nothing is enforced)');
  }

  async allow(clients: FirewallClient[]): Promise<void> {
    const now = this.clock.now();
    for (const c of clients) this.entries.set(c.ip, { mac: c.mac, expiresAt: now + c.timeoutSeconds * 1000 });
  }

  async revoke(clients: Pick<FirewallClient, 'ip' | 'mac'>[]): Promise<void> {
    for (const c of clients) this.entries.delete(c.ip);
  }

  /** Answered from the entries themselves: nothing is copied. */
  async heldAddresses(): Promise<HeldAddresses> {
    const now = this.clock.now();
    return { has: (ip) => (this.entries.get(ip)?.expiresAt ?? 0) > now };
  }

  async list(): Promise<FirewallEntry[]> {
    const now = this.clock.now();
    const out: FirewallEntry[] = [];
    // In chunks, as the session jobs walk their sessions: a gateway may hold 100,000 clients.
    await forEachChunk(this.entries, (chunk) => {
      for (const [ip, e] of chunk) {
        if (e.expiresAt <= now) {
          this.entries.delete(ip);
          continue;
        }
        const expiresInSeconds = Math.ceil((e.expiresAt - now) / 1000);
        // One object per entry (no spread of a temporary one): the reconcile lists 100,000.
        out.push(e.mac ? { ip, mac: e.mac, expiresInSeconds } : { ip, expiresInSeconds });
      }
    });
    return out;
  }

  /** The walled garden last set (nothing is enforced; tests read it). */
  walledGarden: readonly string[] = [];

  async setWalledGarden(entries: readonly string[]): Promise<void> {
    this.walledGarden = [...entries];
  }

  async close(): Promise<void> {}
}
