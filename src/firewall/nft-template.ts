// The nftables table Threshold owns, as an nft script that can be applied again and again:
// sets are added (kept with their elements and timeouts when they exist), chains are flushed
// and refilled in the same transaction, so a restart never opens or closes the door.
import ipaddr from 'ipaddr.js';

/** A zone's per-client bandwidth cap, in bytes per second each way. */
export interface ZoneCap {
  zoneId: string;
  subnets: readonly string[];
  downBytesPerSecond?: number;
  upBytesPerSecond?: number;
}

export interface TemplateOptions {
  table: string;
  /** The interfaces patrons are on; traffic to or from them is what Threshold controls. */
  lanInterfaces: readonly string[];
  /** The portal's HTTP port, where captured port-80 traffic lands. */
  portalPort: number;
  /** The portal's HTTPS port; port 443 of the gateway itself is sent there (no CAP_NET_BIND_SERVICE needed). */
  portalHttpsPort?: number;
  caps: readonly ZoneCap[];
}

export type Family = 4 | 6;

/** Set names, per address family. */
export const SET = {
  /** Every client let through: timeout = time left, counter = bytes both ways. */
  allowed: (f: Family) => `allowed${f}`,
  /** Clients let through that are held to a MAC address. */
  bound: (f: Family) => `bound${f}`,
  /** The address + MAC pairs of bound clients. */
  pairs: (f: Family) => `pairs${f}`,
  /**
   * Addresses seen from the MAC of a device let through that are not let through themselves (a
   * privacy address, a new lease): the kernel notes them, Threshold admits them to the device's
   * session (src/sessions/device-addresses.ts).
   */
  arrivals: (f: Family) => `arrivals${f}`,
  garden: (f: Family) => `garden${f}`,
  capUp: (f: Family) => `capup${f}`,
  capDown: (f: Family) => `capdown${f}`,
} as const;

/** The MACs of devices let through, with the time their session has left ("devices" is an nft keyword). */
export const MACS_SET = 'allowed_macs';
/** How many new addresses the kernel notes at a time; how long one is kept unless admitted. */
export const ARRIVALS_SIZE = 4096;
export const ARRIVALS_TIMEOUT_SECONDS = 30;

const FAMILIES: Family[] = [4, 6];
const ADDR = { 4: 'ipv4_addr', 6: 'ipv6_addr' } as const;
const IP = { 4: 'ip', 6: 'ip6' } as const;
const CHAINS = ['nat_prerouting', 'capture', 'filter_forward', 'from_lan', 'to_lan', 'admitted_up', 'admitted_down', 'not_admitted'];

/** The whole table, idempotent. */
export function templateScript(o: TemplateOptions): string {
  const t = `inet ${o.table}`;
  const lan = `{ ${o.lanInterfaces.map((i) => JSON.stringify(i)).join(', ')} }`;
  const out: string[] = [`add table ${t}`, `add set ${t} ${MACS_SET} { type ether_addr; flags timeout; }`];
  for (const f of FAMILIES) {
    out.push(
      `add set ${t} ${SET.allowed(f)} { type ${ADDR[f]}; flags timeout; counter; }`,
      `add set ${t} ${SET.bound(f)} { type ${ADDR[f]}; flags timeout; }`,
      `add set ${t} ${SET.pairs(f)} { type ${ADDR[f]} . ether_addr; flags timeout; }`,
      `add set ${t} ${SET.arrivals(f)} { type ${ADDR[f]} . ether_addr; size ${ARRIVALS_SIZE}; flags dynamic,timeout; timeout ${ARRIVALS_TIMEOUT_SECONDS}s; }`,
      `add set ${t} ${SET.garden(f)} { type ${ADDR[f]}; flags interval; auto-merge; }`,
      `add set ${t} ${SET.capUp(f)} { type ${ADDR[f]}; size 65536; flags dynamic,timeout; timeout 1m; }`,
      `add set ${t} ${SET.capDown(f)} { type ${ADDR[f]}; size 65536; flags dynamic,timeout; timeout 1m; }`,
      // Rate state only; a changed cap starts afresh.
      `flush set ${t} ${SET.capUp(f)}`,
      `flush set ${t} ${SET.capDown(f)}`,
    );
  }
  out.push(
    `add chain ${t} nat_prerouting { type nat hook prerouting priority dstnat; policy accept; }`,
    `add chain ${t} filter_forward { type filter hook forward priority filter; policy accept; }`,
    ...CHAINS.filter((c) => c !== 'nat_prerouting' && c !== 'filter_forward').map((c) => `add chain ${t} ${c}`),
    ...CHAINS.map((c) => `flush chain ${t} ${c}`),
  );
  const rule = (chain: string, body: string) => out.push(`add rule ${t} ${chain} ${body}`);

  // Capture: port 80 of anyone not let through goes to the portal; so do ports 80 and 443 of
  // the gateway itself, so http(s)://<portal host>/ works for everyone. Every lookup that finds
  // a client in `allowed` adds the packet to its counter, so this chain only asks `allowed` in
  // the negative (a miss counts nothing): a device's requests to the portal or the gateway's DNS
  // are neither data used nor activity (they kept a silent phone from ever going idle).
  rule('nat_prerouting', `iifname != ${lan} return`);
  // A new address of a device let through (the first packet of each of its connections passes
  // here): noted for Threshold to admit to the device's session, which refuses an address that
  // another session holds. Unspecified and link-local sources are not addresses a session uses.
  rule('nat_prerouting', `ether saddr @${MACS_SET} ip saddr != 0.0.0.0 ip saddr != @${SET.allowed(4)} add @${SET.arrivals(4)} { ip saddr . ether saddr }`);
  rule('nat_prerouting', `ether saddr @${MACS_SET} ip6 saddr != { ::, fe80::/10 } ip6 saddr != @${SET.allowed(6)} add @${SET.arrivals(6)} { ip6 saddr . ether saddr }`);
  rule('nat_prerouting', `fib daddr type local tcp dport 80 redirect to :${o.portalPort}`);
  if (o.portalHttpsPort) rule('nat_prerouting', `fib daddr type local tcp dport 443 redirect to :${o.portalHttpsPort}`);
  rule('nat_prerouting', 'fib daddr type local return');
  for (const f of FAMILIES) {
    rule('nat_prerouting', `${IP[f]} saddr @${SET.bound(f)} ${IP[f]} saddr . ether saddr != @${SET.pairs(f)} goto capture`);
    rule('nat_prerouting', `${IP[f]} saddr != @${SET.allowed(f)} goto capture`);
  }
  for (const f of FAMILIES) rule('capture', `${IP[f]} daddr @${SET.garden(f)} return`);
  rule('capture', `tcp dport 80 redirect to :${o.portalPort}`);

  // Forwarding: everything to or from the LAN is decided here. The bandwidth cap (admitted_up,
  // admitted_down) comes before the `allowed` lookup because every lookup adds the packet to the
  // element's counter: a packet the cap drops must not count against the data allowance (TCP
  // sends it again, so counting it made a capped download use 40% more than it carried).
  rule('filter_forward', `iifname ${lan} jump from_lan`);
  rule('filter_forward', `oifname ${lan} jump to_lan`);
  // A bound address used from another MAC is someone else: treat it as not let through.
  for (const f of FAMILIES) rule('from_lan', `${IP[f]} saddr @${SET.bound(f)} ${IP[f]} saddr . ether saddr != @${SET.pairs(f)} goto not_admitted`);
  rule('from_lan', 'jump admitted_up');
  for (const f of FAMILIES) rule('from_lan', `${IP[f]} saddr @${SET.allowed(f)} accept`);
  rule('from_lan', 'goto not_admitted');
  rule('to_lan', 'jump admitted_down');
  for (const f of FAMILIES) rule('to_lan', `${IP[f]} daddr @${SET.allowed(f)} accept`);
  // Not let through: the walled garden only. DNS and DHCP are served by the gateway itself
  // (dnsmasq; input, not forward, so this table leaves them alone); a resolver elsewhere goes in
  // the walled garden. Forwarding port 53 or 67 to any host would be a way round the portal
  // (a VPN on port 53). IPv6 too: nothing leaks.
  for (const f of FAMILIES) rule('not_admitted', `${IP[f]} daddr @${SET.garden(f)} accept`);
  rule('not_admitted', 'drop');
  for (const f of FAMILIES) rule('to_lan', `${IP[f]} saddr @${SET.garden(f)} accept`);
  rule('to_lan', 'drop');

  // Bandwidth caps: one token bucket per client address, in the kernel; what is under the cap
  // returns to from_lan/to_lan.
  for (const cap of o.caps) {
    for (const subnet of cap.subnets) {
      const f: Family = ipaddr.parseCIDR(subnet)[0].kind() === 'ipv6' ? 6 : 4;
      if (cap.upBytesPerSecond) rule('admitted_up', limitRule(f, 'saddr', subnet, SET.capUp(f), cap.upBytesPerSecond));
      if (cap.downBytesPerSecond) rule('admitted_down', limitRule(f, 'daddr', subnet, SET.capDown(f), cap.downBytesPerSecond));
    }
  }
  return out.join('\n') + '\n';
}

/** The kernel's bucket holds rate + burst bytes; no burst means one second's worth. */
function limitRule(f: Family, dir: 'saddr' | 'daddr', subnet: string, set: string, rate: number): string {
  const r = Math.max(1, Math.round(rate));
  const [addr, bits] = ipaddr.parseCIDR(subnet);
  const net = f === 4 ? ipaddr.IPv4.networkAddressFromCIDR(`${addr}/${bits}`) : ipaddr.IPv6.networkAddressFromCIDR(`${addr}/${bits}`);
  return `${IP[f]} ${dir} ${net.toString()}/${bits} update @${set} { ${IP[f]} ${dir} limit rate over ${r} bytes/second } drop`;
}

/** Replaces the walled-garden sets atomically. */
export function gardenScript(table: string, garden: { v4: readonly string[]; v6: readonly string[] }): string {
  const t = `inet ${table}`;
  const out: string[] = [];
  for (const f of FAMILIES) {
    out.push(`flush set ${t} ${SET.garden(f)}`);
    const list = f === 4 ? garden.v4 : garden.v6;
    if (list.length) out.push(`add element ${t} ${SET.garden(f)} { ${list.join(', ')} }`);
  }
  return out.join('\n') + '\n';
}
