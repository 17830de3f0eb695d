// The kernel's neighbour table: the MAC of a client on a directly attached network.
// Used only for the firewall rule and the daily pseudonym; never logged.
import fs from 'node:fs';

export interface NeighbourTable {
  lookup(ip: string): string | undefined;
}

/** Reads /proc/net/arp (IPv4), cached for a second so a burst of requests reads it once. */
export class ProcNeighbourTable implements NeighbourTable {
  private cache = new Map<string, string>();
  private readAt = 0;
  constructor(
    private readonly file = '/proc/net/arp',
    private readonly now: () => number = Date.now,
  ) {}

  lookup(ip: string): string | undefined {
    if (this.now() - this.readAt > 1000) this.refresh();
    return this.cache.get(ip);
  }

  private refresh(): void {
    this.readAt = this.now();
    const next = new Map<string, string>();
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      this.cache = next;
      return;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [ip, , flags, mac] = cols;
      // Flags 0x0 means an incomplete entry; 00:00:00:00:00:00 is not a MAC.
      if (ip && mac && flags !== '0x0' && mac !== '00:00:00:00:00:00') next.set(ip, mac.toLowerCase());
    }
    this.cache = next;
  }
}
