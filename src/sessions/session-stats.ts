// The aggregate counters sessions feed: per zone and hour, kept for statsRetentionDays.
import type { Config } from '../config/schema';
import type { Clock } from '../domain/clock';
import type { StatCounter, Store } from '../store/types';

const HOUR = 3_600_000;

/** The start of the (UTC) hour a moment falls in: the key of an hourly row. */
export function hourOf(ms: number): number {
  return Math.floor(ms / HOUR) * HOUR;
}

export class SessionStats {
  constructor(
    private readonly store: Store,
    private readonly config: Pick<Config, 'statsRetentionDays'>,
    private readonly clock: Clock,
  ) {}

  /** Adds to this hour's counters of a zone; zero and negative counts are left out. */
  async bump(zoneId: string, counts: Partial<Record<StatCounter, number>>): Promise<void> {
    const positive = Object.fromEntries(Object.entries(counts).filter(([, n]) => (n ?? 0) > 0));
    if (!Object.keys(positive).length) return;
    const now = this.clock.now();
    await this.store.bumpStats(zoneId, hourOf(now), positive, this.expiry(now));
  }

  /** Raises this hour's peak of concurrent sessions in a zone. */
  async raisePeak(zoneId: string, concurrent: number): Promise<void> {
    const now = this.clock.now();
    await this.store.raisePeak(zoneId, hourOf(now), concurrent, this.expiry(now));
  }

  private expiry(now: number): number {
    return now + this.config.statsRetentionDays * 86_400_000;
  }
}
