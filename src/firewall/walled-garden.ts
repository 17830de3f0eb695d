// The walled garden: the hosts a client may reach before accepting the terms. Entries are
// addresses, subnets or host names; names are resolved here, at start and again periodically.
import dns from 'node:dns';
import ipaddr from 'ipaddr.js';

export type Resolve = (host: string) => Promise<{ address: string; family: number }[]>;

export const systemResolve: Resolve = (host) => dns.promises.lookup(host, { all: true });

export interface Garden {
  v4: string[];
  v6: string[];
  /** Host names that did not resolve (worth a warning; they are not patron data). */
  unresolved: string[];
}

/** True for an address or a subnet in CIDR form. */
function asNetwork(entry: string): { family: 4 | 6; text: string } | undefined {
  try {
    if (entry.includes('/')) {
      const [addr, bits] = ipaddr.parseCIDR(entry);
      const family = addr.kind() === 'ipv6' ? 6 : 4;
      const net = family === 4 ? ipaddr.IPv4.networkAddressFromCIDR(entry) : ipaddr.IPv6.networkAddressFromCIDR(entry);
      return { family, text: `${net.toString()}/${bits}` };
    }
    const addr = ipaddr.parse(entry);
    return { family: addr.kind() === 'ipv6' ? 6 : 4, text: addr.toString() };
  } catch {
    return undefined;
  }
}

/** Resolves the garden's entries; `portalHost` (from the portal URL) is always in it. */
export async function resolveGarden(entries: readonly string[], resolve: Resolve = systemResolve): Promise<Garden> {
  const v4 = new Set<string>();
  const v6 = new Set<string>();
  const unresolved: string[] = [];
  await Promise.all(
    entries.map(async (entry) => {
      const net = asNetwork(entry);
      if (net) {
        (net.family === 4 ? v4 : v6).add(net.text);
        return;
      }
      try {
        for (const { address, family } of await resolve(entry)) (family === 6 ? v6 : v4).add(ipaddr.parse(address).toString());
      } catch {
        unresolved.push(entry);
      }
    }),
  );
  return { v4: [...v4].sort(), v6: [...v6].sort(), unresolved: unresolved.sort() };
}

/** The host part of the portal URL, when it is not the gateway's own address. */
export function portalHost(portalUrl?: string): string[] {
  if (!portalUrl) return [];
  const host = new URL(portalUrl).hostname.replace(/^\[|\]$/g, '');
  return host ? [host] : [];
}
