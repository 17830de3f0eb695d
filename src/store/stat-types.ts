// The statistics a store keeps: aggregate counters per zone and hour, nothing per person.
// Depends on nothing: types.ts re-exports it.

/** Aggregate counters kept per zone and hour. No identifier, no per-session row. */
export const STAT_COUNTERS = [
  'sessionsStarted',
  'minutesUsed',
  'passesRedeemed',
  'refusedAllowance',
  'refusedClosed',
  'kioskUses',
  'learnViews',
  // Counted with minutesUsed, so that minutes are published only for enough ended sessions.
  'sessionsEnded',
  // Kiosk queue: tickets and bookings issued, served at a PC, and abandoned (hold run out, slot missed).
  'queueIssued',
  'queueServed',
  'queueAbandoned',
  // How long the tickets served waited, in bands (the median is read from them); counted with queueServed.
  'queueWaitUnder5',
  'queueWait5to15',
  'queueWait15to30',
  'queueWait30Plus',
] as const;
export type StatCounter = (typeof STAT_COUNTERS)[number];

export interface HourlyStats {
  zoneId: string;
  /** Epoch milliseconds of the start of the hour (UTC hour boundary). */
  hour: number;
  counts: Record<StatCounter, number>;
  /** The most sessions live at once during the hour. */
  peakConcurrent: number;
}

/** Every counter at zero. */
export function emptyCounts(): Record<StatCounter, number> {
  return Object.fromEntries(STAT_COUNTERS.map((c) => [c, 0])) as Record<StatCounter, number>;
}
