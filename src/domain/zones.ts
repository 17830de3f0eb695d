// Zones: which zone a client address belongs to (the first whose subnets contain it).
import type { Zone } from '../config/schema';
import { SubnetMatcher } from './subnets';

export class ZoneResolver {
  private readonly matchers: { zone: Zone; matcher: SubnetMatcher }[];
  constructor(zones: readonly Zone[]) {
    this.matchers = zones.map((zone) => ({ zone, matcher: new SubnetMatcher(zone.subnets) }));
  }
  /** The zone of an address, or undefined when no zone covers it (such a client gets no access). */
  zoneFor(ip: string): Zone | undefined {
    return this.matchers.find((m) => m.matcher.contains(ip))?.zone;
  }
  get zones(): Zone[] {
    return this.matchers.map((m) => m.zone);
  }
}
