// A noop firewall that also reports byte counters the test sets, like nftables' element counters,
// and the new addresses of devices the test says the kernel noted, like nftables' arrivals sets.
import { NoopFirewall } from '../../src/firewall/noop';
import type { Arrival, FirewallEntry } from '../../src/firewall/types';

export class CountingFirewall extends NoopFirewall {
  override readonly countsBytes = true;
  private readonly bytes = new Map<string, number>();

  /** What the kernel would have counted for a client so far. */
  setBytes(ip: string, n: number): void {
    this.bytes.set(ip, n);
  }

  private noted: Arrival[] = [];

  /** An address the kernel saw from a device's MAC without letting it through. */
  noteArrival(ip: string, mac: string): void {
    this.noted.push({ ip, mac });
  }

  async arrivals(): Promise<Arrival[]> {
    return this.noted;
  }

  override async list(): Promise<FirewallEntry[]> {
    return (await super.list()).map((e) => ({ ...e, bytes: this.bytes.get(e.ip) ?? 0 }));
  }
}
