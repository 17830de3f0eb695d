// The kernel's neighbour table: the MAC of a client on a directly attached network.
// Used only for the firewall rule and the daily pseudonym; never logged.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import ipaddr from 'ipaddr.js';

export interface NeighbourTable {
  /**
   * The MAC of a neighbour, from a table read at most a second ago. With `fresh` (before a grant
   * seals a new session) a miss re-reads the table first, so a client that arrived since the
   * last read is not sealed without its MAC.
   */
  lookup(ip: string, opts?: { fresh?: boolean }): string | undefined;
}

/** How often the table is read for ordinary lookups. */
export const NEIGHBOUR_CACHE_MS = 1000;
/**
 * Re-reads on misses before grants, at most this many a second (a flood of grants from unknown
 * addresses cannot turn into a flood of reads); misses in the same millisecond share one read.
 * A client's entry is in the kernel's table before its first request (its TCP handshake put it
 * there), so one read after the request finds it.
 */
export const NEIGHBOUR_REREADS_PER_SECOND = 100;

/** `ip -6 neigh show`, the IPv6 neighbour table (the kernel has no /proc file for it). */
export function ipNeighShow(): string {
  return execFileSync('ip', ['-6', 'neigh', 'show'], { encoding: 'utf8', timeout: 1000, stdio: ['ignore', 'pipe', 'ignore'] });
}

/**
 * Reads /proc/net/arp (IPv4) and `ip -6 neigh show` (IPv6), each cached for a second so a burst
 * of requests reads it once, and re-read on a miss before a grant (bounded, see above). The
 * IPv6 table is only read when an IPv6 client asks.
 */
export class ProcNeighbourTable implements NeighbourTable {
  private v4 = new Map<string, string>();
  private v6 = new Map<string, string>();
  private v4ReadAt = -Infinity;
  private v6ReadAt = -Infinity;
  /** Re-reads on a miss in the current second: [second, count]. */
  private rereads: [number, number] = [-1, 0];

  constructor(
    private readonly file = '/proc/net/arp',
    private readonly now: () => number = Date.now,
    private readonly readIpv6: () => string = ipNeighShow,
  ) {}

  lookup(ip: string, opts: { fresh?: boolean } = {}): string | undefined {
    const v6 = ip.includes(':');
    const age = () => this.now() - (v6 ? this.v6ReadAt : this.v4ReadAt);
    const refresh = () => (v6 ? this.refreshV6() : this.refreshV4());
    const table = () => (v6 ? this.v6 : this.v4);
    if (age() > NEIGHBOUR_CACHE_MS) refresh();
    const found = table().get(ip);
    if (found || !opts.fresh || age() <= 0 || !this.takeReread()) return found;
    refresh();
    return table().get(ip);
  }

  private takeReread(): boolean {
    const second = Math.floor(this.now() / 1000);
    if (this.rereads[0] !== second) this.rereads = [second, 0];
    if (this.rereads[1] >= NEIGHBOUR_REREADS_PER_SECOND) return false;
    this.rereads[1] += 1;
    return true;
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
