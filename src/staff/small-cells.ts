// The small-cell rule for every published figure (statistics pages, CSV, charts, annual totals,
// /metrics): an hour-and-zone cell's figure is published only when it describes at least k
// sessions (k = minCellSessions), and every larger figure is the sum of published cells only,
// so no total minus the cells shown can give back a withheld one.
import { STAT_COUNTERS, type HourlyStats, type StatCounter } from '../store/types';

/** What each counter's size is measured by: the sessions it describes. */
const MEASURED_BY: Partial<Record<StatCounter, StatCounter>> = {
  // A share of the sessions started in the hour: as small as they are.
  passesRedeemed: 'sessionsStarted',
  // Minutes are counted when sessions end: as small as the sessions that ended in the hour.
  minutesUsed: 'sessionsEnded',
  // A wait band is a share of the tickets served in the hour.
  queueWaitUnder5: 'queueServed',
  queueWait5to15: 'queueServed',
  queueWait15to30: 'queueServed',
  queueWait30Plus: 'queueServed',
};

/** An hourly row with its small figures taken out, and which ones they were. */
export interface PublishedRow extends HourlyStats {
  /** Counters (and 'peak') withheld from this cell because they describe fewer than k. */
  withheld: (StatCounter | 'peak')[];
}

/**
 * Applies the rule to one hour-and-zone cell: a counter below k is withheld (counted as 0 in
 * every sum), and so is every counter measured by it.
 * Zero is published: it describes no one.
 */
export function publishRow(row: HourlyStats, k: number): PublishedRow {
  const counts = { ...row.counts };
  const withheld: (StatCounter | 'peak')[] = [];
  const small = (c: StatCounter) => row.counts[c] > 0 && row.counts[c] < k;
  for (const c of STAT_COUNTERS) {
    const by = MEASURED_BY[c];
    if (counts[c] !== 0 && (small(c) || (by !== undefined && row.counts[by] < k))) {
      counts[c] = 0;
      withheld.push(c);
    }
  }
  // The peak is a number of sessions at once: it is its own measure.
  let peak = row.peakConcurrent;
  if (peak > 0 && peak < k) {
    peak = 0;
    withheld.push('peak');
  }
  return { ...row, counts, peakConcurrent: peak, withheld };
}

/** A live count as published: rounded down to a multiple of k (0 for fewer than k). */
export function publishedLiveCount(n: number, k: number): number {
  return Math.floor(n / k) * k;
}
