// Today's queue figures for the staff page, from the hourly aggregates only and under the
// small-cell rule: each hour's withheld figures count as 0, so no figure describes fewer than k.
import type { Deps } from '../deps';
import { localDate, zonedTime } from '../domain/local-time';
import { publishRow } from '../staff/small-cells';
import type { StatCounter } from '../store/types';
import { medianBand, WAIT_BANDS } from './queue-tally';

export interface QueueToday {
  issued: number;
  served: number;
  abandoned: number;
  /** The band of the median wait of the tickets served (published cells only). */
  median?: { from: number; to?: number };
  /** Whether some hour's figures were withheld (fewer than k). */
  withheld: boolean;
}

export async function queueToday(deps: Pick<Deps, 'store' | 'clock' | 'config'>, zoneId: string): Promise<QueueToday> {
  const now = deps.clock.now();
  const from = zonedTime(localDate(now, deps.config.timezone), 0, deps.config.timezone);
  const rows = (await deps.store.readStats(from, now + 1, zoneId)).map((r) => publishRow(r, deps.config.minCellSessions));
  const sum = (c: StatCounter) => rows.reduce((n, r) => n + r.counts[c], 0);
  const bands = Object.fromEntries(WAIT_BANDS.map((b) => [b.counter, sum(b.counter)]));
  const median = medianBand(bands);
  const queueCounters = new Set<string>(['queueIssued', 'queueServed', 'queueAbandoned', ...WAIT_BANDS.map((b) => b.counter)]);
  return {
    issued: sum('queueIssued'),
    served: sum('queueServed'),
    abandoned: sum('queueAbandoned'),
    ...(median ? { median } : {}),
    withheld: rows.some((r) => r.withheld.some((c) => queueCounters.has(c))),
  };
}
