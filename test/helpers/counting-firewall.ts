// A noop firewall that also reports byte counters the test sets, like nftables' element counters.
import { NoopFirewall } from '../../src/firewall/noop';
import type { FirewallEntry } from '../../src/firewall/types';

export class CountingFirewall extends NoopFirewall {
  private readonly bytes = new Map<string, number>();

  /** What the kernel would have counted for a client so far. */
  setBytes(ip: string, n: number): void {
    this.bytes.set(ip, n);
  }

  override async list(): Promise<FirewallEntry[]> {
    return (await super.list()).map((e) => ({ ...e, bytes: this.bytes.get(e.ip) ?? 0 }));
  }
}
