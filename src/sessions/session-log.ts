// What the log says about patron sessions: no line per session (a line's time would mark one
// patron's start or end), only a periodic summary of counts, each at least k or "fewer than k".
import type { Logger } from '../logger';

/** How often the summary line is written. */
export const LOG_SUMMARY_MINUTES = 60;

export type SessionEvent = 'started' | 'extended' | 'ended';

/** A figure as published: the count itself when at least k, else the words "fewer than k". */
export function publishedCount(n: number, k: number): number | string {
  return n >= k ? n : `fewer than ${k}`;
}

/** Counts session events on this gateway between summaries; holds no time or zone of any one. */
export class SessionEventTally {
  private counts: Record<SessionEvent, number> = { started: 0, extended: 0, ended: 0 };

  count(event: SessionEvent): void {
    this.counts[event] += 1;
  }

  /**
   * Writes one summary line of the counts since the last, each shown only when at least k, and
   * starts counting afresh. Writes nothing when nothing happened.
   */
  flush(logger: Logger, k: number, periodMinutes: number): void {
    const c = this.counts;
    this.counts = { started: 0, extended: 0, ended: 0 };
    if (c.started + c.extended + c.ended === 0) return;
    logger.info(
      { event: 'sessions.summary', periodMinutes, started: publishedCount(c.started, k), extended: publishedCount(c.extended, k), ended: publishedCount(c.ended, k) },
      'sessions in the last period',
    );
  }
}
