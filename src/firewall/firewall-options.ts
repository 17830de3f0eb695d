// What the configuration tells a firewall backend: ports, LAN interfaces, walled garden, caps.
import type { Config } from '../config/schema';
import type { Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { ZoneCap } from './nft-template';
import type { FirewallOptions } from './registry';
import { portalHost } from './walled-garden';

/** Megabits per second to bytes per second. */
const MBPS = 125_000;

/** The settings a backend takes from the configuration alone. */
export function firewallSettings(config: Config): Omit<FirewallOptions, 'logger' | 'clock'> {
  const caps: ZoneCap[] = config.zones
    .filter((z) => z.bandwidth?.downMbps || z.bandwidth?.upMbps)
    .map((z) => ({
      zoneId: z.id,
      subnets: z.subnets,
      ...(z.bandwidth?.downMbps ? { downBytesPerSecond: z.bandwidth.downMbps * MBPS } : {}),
      ...(z.bandwidth?.upMbps ? { upBytesPerSecond: z.bandwidth.upMbps * MBPS } : {}),
    }));
  return {
    portalPort: config.port,
    ...(config.httpsPort && config.httpsPort !== 443 ? { portalHttpsPort: config.httpsPort } : {}),
    lanInterfaces: config.lanInterfaces,
    walledGarden: [...new Set([...config.walledGarden, ...portalHost(config.portalUrl)])],
    caps,
  };
}

export function firewallOptions(config: Config, logger: Logger, clock: Clock): FirewallOptions {
  return { logger, clock, ...firewallSettings(config) };
}
