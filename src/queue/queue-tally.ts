// The queue's statistics: hourly aggregates per zone only (tickets issued, served, abandoned and
// how long the served waited, in bands), never a row per ticket. Published under the small-cell rule.
import type { Clock } from '../domain/clock';
import type { StatCounter, Store } from '../store/types';

const HOUR = 3_600_000;
const MIN = 60_000;

/** The wait band a served ticket is counted in. */
export function waitBand(waitedMs: number): StatCounter {
  if (waitedMs < 5 * MIN) return 'queueWaitUnder5';
  if (waitedMs < 15 * MIN) return 'queueWait5to15';
  if (waitedMs < 30 * MIN) return 'queueWait15to30';
  return 'queueWait30Plus';
}

/** The wait bands in order, with the minutes each starts at, for the median. */
export const WAIT_BANDS: readonly { counter: StatCounter; from: number; to?: number }[] = [
  { counter: 'queueWaitUnder5', from: 0, to: 5 },
  { counter: 'queueWait5to15', from: 5, to: 15 },
  { counter: 'queueWait15to30', from: 15, to: 30 },
  { counter: 'queueWait30Plus', from: 30 },
];

/** The band holding the median wait of these counts, or undefined when none was served. */
export function medianBand(counts: Partial<Record<StatCounter, number>>): { from: number; to?: number } | undefined {
  const total = WAIT_BANDS.reduce((n, b) => n + (counts[b.counter] ?? 0), 0);
  if (total === 0) return undefined;
  let seen = 0;
  for (const b of WAIT_BANDS) {
    seen += counts[b.counter] ?? 0;
    if (seen * 2 >= total) return b.to === undefined ? { from: b.from } : { from: b.from, to: b.to };
  }
  return undefined;
}

export class QueueTally {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly retentionDays: number,
  ) {}

  issued(zoneId: string): Promise<void> {
    return this.bump(zoneId, { queueIssued: 1 });
  }

  abandoned(zoneId: string, n: number): Promise<void> {
    return this.bump(zoneId, { queueAbandoned: n });
  }

  served(zoneId: string, waitedMs: number): Promise<void> {
    return this.bump(zoneId, { queueServed: 1, [waitBand(waitedMs)]: 1 });
  }

  private async bump(zoneId: string, counts: Partial<Record<StatCounter, number>>): Promise<void> {
    const now = this.clock.now();
    const hour = Math.floor(now / HOUR) * HOUR;
    await this.store.bumpStats(zoneId, hour, counts, now + this.retentionDays * 86_400_000);
  }
}
