// What the nftables backend applies at start, as a script an IT person can read before trusting
// it (`threshold firewall script`). Printing it changes nothing.
import type { Config } from '../config/schema';
import { firewallSettings } from './firewall-options';
import { gardenScript, templateScript } from './nft-template';
import { resolveGarden, systemResolve, type Resolve } from './walled-garden';

export async function nftStartScript(config: Config, resolve: Resolve = systemResolve, table = 'threshold'): Promise<string> {
  const o = firewallSettings(config);
  const garden = await resolveGarden(o.walledGarden ?? [], resolve);
  const head = [
    `# The nftables script Threshold applies at start (firewall "${config.firewall}").`,
    `# Sets are only added, so their elements (clients let through) survive; chains are rebuilt.`,
    ...(garden.unresolved.length ? [`# Walled-garden names that did not resolve now: ${garden.unresolved.join(', ')}`] : []),
  ];
  return `${head.join('\n')}\n${templateScript({ table, lanInterfaces: o.lanInterfaces ?? [], portalPort: o.portalPort, portalHttpsPort: o.portalHttpsPort, caps: o.caps ?? [] })}${gardenScript(table, garden)}`;
}
