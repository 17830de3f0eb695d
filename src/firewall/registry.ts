// Firewall backends by name.
import type { Logger } from '../logger';
import type { Clock } from '../domain/clock';
import type { Firewall } from './types';
import { NoopFirewall } from './noop';
import { NftablesFirewall } from './nftables';
import type { ZoneCap } from './nft-template';

export interface FirewallOptions {
  logger: Logger;
  clock: Clock;
  /** The portal's HTTP port, which captured port-80 traffic is sent to. */
  portalPort: number;
  /** The portal's HTTPS port, where port 443 of the gateway is sent (nftables). */
  portalHttpsPort?: number;
  /** The interfaces patrons are on (nftables). */
  lanInterfaces?: readonly string[];
  /** Addresses, subnets and host names reachable before login, the portal's host included (nftables). */
  walledGarden?: readonly string[];
  /** Per-zone, per-client bandwidth caps (nftables). */
  caps?: readonly ZoneCap[];
}

type Factory = (opts: FirewallOptions) => Firewall;

const backends: Record<string, Factory> = {
  noop: (o) => new NoopFirewall(o.logger, o.clock),
  nftables: (o) =>
    new NftablesFirewall({ logger: o.logger, clock: o.clock, portalPort: o.portalPort, portalHttpsPort: o.portalHttpsPort, lanInterfaces: o.lanInterfaces ?? [], walledGarden: o.walledGarden, caps: o.caps }),
};

export function firewallNames(): string[] {
  return Object.keys(backends);
}

export function createFirewall(name: string, opts: FirewallOptions): Firewall {
  const make = backends[name];
  if (!make) throw new Error(`unknown firewall backend "${name}"; expected one of: ${firewallNames().join(', ')}`);
  return make(opts);
}
