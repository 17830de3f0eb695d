// The aggregate counters sessions feed: per zone and hour, kept for statsRetentionDays. A counter
// write never fails a grant: one that fails is kept and sent again with the same operation id,
// so it counts exactly once (the store ignores an id it has seen), however often it is retried.
import { cryptoRandom, randomUuid, type RandomSource } from '../privacy/random';
import type { Config } from '../config/schema';
import type { Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { StatCounter, Store } from '../store/types';

const HOUR = 3_600_000;
/** How many failed counter updates are kept for retrying; past this the oldest are dropped (and logged). */
export const MAX_KEPT_UPDATES = 100_000;

/** The start of the (UTC) hour a moment falls in: the key of an hourly row. */
export function hourOf(ms: number): number {
  return Math.floor(ms / HOUR) * HOUR;
}

interface Update {
  opId: string;
  zoneId: string;
  hour: number;
  counts: Partial<Record<StatCounter, number>>;
  expiresAt: number;
}

/** Runs a store call (through the outage breaker, on patron paths). */
export type Guard = <T>(fn: () => Promise<T>) => Promise<T>;

export class SessionStats {
  private readonly kept: Update[] = [];
  /** Peaks that could not be written, per zone and hour: raising a peak is idempotent already. */
  private readonly keptPeaks = new Map<string, { zoneId: string; hour: number; value: number; expiresAt: number }>();
  /** The highest peak this gateway has written per zone this hour (`zone\nhour` → value). */
  private readonly writtenPeaks = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly config: Pick<Config, 'statsRetentionDays'>,
    private readonly clock: Clock,
    private readonly guard: Guard = (fn) => fn(),
    private readonly logger?: Logger,
    private readonly random: RandomSource = cryptoRandom,
  ) {}

  /** Adds to this hour's counters of a zone; zero and negative counts are left out. Never rejects. */
  async bump(zoneId: string, counts: Partial<Record<StatCounter, number>>): Promise<void> {
    const positive = Object.fromEntries(Object.entries(counts).filter(([, n]) => (n ?? 0) > 0));
    if (!Object.keys(positive).length) return;
    const now = this.clock.now();
    const update: Update = { opId: randomUuid(this.random), zoneId, hour: hourOf(now), counts: positive, expiresAt: this.expiry(now) };
    if (!(await this.send(update))) this.keep(update);
  }

  /**
   * Raises this hour's peak of concurrent sessions in a zone. Never rejects. A value no higher
   * than one this gateway has written this hour changes nothing and is not sent: the session
   * tick and most grants then write nothing.
   */
  async raisePeak(zoneId: string, concurrent: number): Promise<void> {
    const now = this.clock.now();
    const peak = { zoneId, hour: hourOf(now), value: concurrent, expiresAt: this.expiry(now) };
    const k = `${zoneId}\n${peak.hour}`;
    if ((this.writtenPeaks.get(k) ?? -1) >= concurrent) return;
    try {
      await this.guard(() => this.store.raisePeak(peak.zoneId, peak.hour, peak.value, peak.expiresAt));
      this.wrote(k, peak.hour, concurrent);
    } catch {
      const had = this.keptPeaks.get(k);
      if (!had || had.value < concurrent) this.keptPeaks.set(k, peak);
    }
  }

  /**
   * Forgets which peaks were written, so the next tick writes them again: after the store failed
   * over or came back, a write it acknowledged may not have reached the new primary.
   */
  forgetWrittenPeaks(): void {
    this.writtenPeaks.clear();
  }

  /** Notes a peak written; only this hour's are kept (one entry per zone). */
  private wrote(k: string, hour: number, value: number): void {
    if ((this.writtenPeaks.get(k) ?? -1) >= value) return;
    for (const key of this.writtenPeaks.keys()) if (!key.endsWith(`\n${hour}`)) this.writtenPeaks.delete(key);
    this.writtenPeaks.set(k, value);
  }

  /** How many counter updates wait to be sent again. */
  get waiting(): number {
    return this.kept.length + this.keptPeaks.size;
  }

  /** Sends the kept updates again, oldest first, stopping at the first that fails. */
  async flush(): Promise<void> {
    while (this.kept.length) {
      if (!(await this.send(this.kept[0]!))) return;
      this.kept.shift();
    }
    for (const [k, p] of this.keptPeaks) {
      try {
        await this.guard(() => this.store.raisePeak(p.zoneId, p.hour, p.value, p.expiresAt));
        this.keptPeaks.delete(k);
        if (p.hour === hourOf(this.clock.now())) this.wrote(k, p.hour, p.value);
      } catch {
        return;
      }
    }
  }

  private async send(u: Update): Promise<boolean> {
    try {
      await this.guard(() => this.store.bumpStats(u.zoneId, u.hour, u.counts, u.expiresAt, u.opId));
      return true;
    } catch {
      return false;
    }
  }

  private keep(u: Update): void {
    this.kept.push(u);
    if (this.kept.length > MAX_KEPT_UPDATES) {
      this.kept.shift();
      this.logger?.warn({ event: 'stats.dropped' }, 'a counter update was dropped: too many waited for the store');
    }
  }

  private expiry(now: number): number {
    return now + this.config.statsRetentionDays * 86_400_000;
  }
}
