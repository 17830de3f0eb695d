// Firewall backends by name.
import type { Logger } from '../logger';
import type { Clock } from '../domain/clock';
import type { Firewall } from './types';
import { NoopFirewall } from './noop';

export interface FirewallOptions {
  logger: Logger;
  clock: Clock;
  /** The portal's HTTP port, which captured port-80 traffic is sent to. */
  portalPort: number;
}

type Factory = (opts: FirewallOptions) => Firewall;

const backends: Record<string, Factory> = {
  noop: (o) => new NoopFirewall(o.logger, o.clock),
};

export function firewallNames(): string[] {
  return Object.keys(backends);
}

export function createFirewall(name: string, opts: FirewallOptions): Firewall {
  const make = backends[name];
  if (!make) throw new Error(`unknown firewall backend "${name}"; expected one of: ${firewallNames().join(', ')}`);
  return make(opts);
}
