// Client subnets: parsing CIDRs and finding which zone an address belongs to.
import ipaddr from 'ipaddr.js';

export type ParsedCidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** True when `s` is an IPv4 or IPv6 subnet in CIDR form. */
export function isValidCidr(s: string): boolean {
  try {
    ipaddr.parseCIDR(s);
    return true;
  } catch {
    return false;
  }
}

/** True when `s` is a plain IPv4 or IPv6 address. */
export function isValidIp(s: string): boolean {
  return ipaddr.isValid(s);
}

/** Normalises an address as the socket reports it ("::ffff:10.0.0.5" becomes "10.0.0.5"). */
export function normaliseIp(raw: string): string {
  const addr = ipaddr.process(raw);
  return addr.toString();
}

/** A compiled list of subnets that answers "does this address belong here?". */
export class SubnetMatcher {
  private readonly cidrs: ParsedCidr[];
  constructor(subnets: readonly string[]) {
    this.cidrs = subnets.map((s) => ipaddr.parseCIDR(s));
  }
  contains(ip: string): boolean {
    let addr: ipaddr.IPv4 | ipaddr.IPv6;
    try {
      addr = ipaddr.process(ip);
    } catch {
      return false;
    }
    return this.cidrs.some(([net, bits]) => addr.kind() === net.kind() && addr.match(net, bits));
  }
}
