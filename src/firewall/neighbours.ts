// The kernel's neighbour table: the MAC of a client on a directly attached network.
// Used only for the firewall rule and the daily pseudonym; never logged.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import ipaddr from 'ipaddr.js';

export interface NeighbourTable {
  lookup(ip: string): string | undefined;
}

/** `ip -6 neigh show`, the IPv6 neighbour table (the kernel has no /proc file for it). */
export function ipNeighShow(): string {
  return execFileSync('ip', ['-6', 'neigh', 'show'], { encoding: 'utf8', timeout: 1000, stdio: ['ignore', 'pipe', 'ignore'] });
}

/**
 * Reads /proc/net/arp (IPv4) and `ip -6 neigh show` (IPv6), each cached for a second so a burst
 * of requests reads it once. The IPv6 table is only read when an IPv6 client asks.
 */
export class ProcNeighbourTable implements NeighbourTable {
  private v4 = new Map<string, string>();
  private v6 = new Map<string, string>();
  private v4ReadAt = -Infinity;
  private v6ReadAt = -Infinity;

  constructor(
    private readonly file = '/proc/net/arp',
    private readonly now: () => number = Date.now,
    private readonly readIpv6: () => string = ipNeighShow,
  ) {}

  lookup(ip: string): string | undefined {
    if (ip.includes(':')) {
      if (this.now() - this.v6ReadAt > 1000) this.refreshV6();
      return this.v6.get(ip);
    }
    if (this.now() - this.v4ReadAt > 1000) this.refreshV4();
    return this.v4.get(ip);
  }

  private refreshV4(): void {
    this.v4ReadAt = this.now();
    const next = new Map<string, string>();
    let text = '';
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch {
      // no neighbour table here: no MACs
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [ip, , flags, mac] = cols;
      // Flags 0x0 means an incomplete entry; 00:00:00:00:00:00 is not a MAC.
      if (ip && mac && flags !== '0x0' && mac !== '00:00:00:00:00:00') next.set(ip, mac.toLowerCase());
    }
    this.v4 = next;
  }

  private refreshV6(): void {
    this.v6ReadAt = this.now();
    let text = '';
    try {
      text = this.readIpv6();
    } catch {
      // iproute2 missing or failing: no IPv6 MACs, the client is counted by address
    }
    this.v6 = parseIpNeigh(text);
  }
}

/** Parses `ip neigh show` lines: "fd00::2 dev wlan0 lladdr 02:… REACHABLE". */
export function parseIpNeigh(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const cols = line.trim().split(/\s+/);
    const at = cols.indexOf('lladdr');
    const state = cols[cols.length - 1];
    if (!cols[0] || at < 0 || !cols[at + 1] || state === 'FAILED' || state === 'INCOMPLETE') continue;
    // Sessions hold addresses in ipaddr.js's form; write them the same way.
    if (ipaddr.isValid(cols[0])) out.set(ipaddr.parse(cols[0]).toString(), cols[at + 1]!.toLowerCase());
  }
  return out;
}
