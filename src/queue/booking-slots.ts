// The times a patron may book a PC for: every quarter hour from a quarter hour ahead until
// midnight, while the zone is open. Pure: time comes in as `now`.
import type { Policy } from '../config/schema';
import { formatHhmm, localDate, localTime, zonedTime } from '../domain/local-time';
import { openStatus } from '../domain/opening-hours';

export const SLOT_STEP_MINUTES = 15;

export interface Slot {
  /** "14:30", local time. */
  value: string;
  at: number;
}

export function bookableSlots(now: number, tz: string, policy: Pick<Policy, 'openingHours' | 'closures'>): Slot[] {
  const { date, minutes } = localTime(now, tz);
  const first = (Math.floor(minutes / SLOT_STEP_MINUTES) + 1) * SLOT_STEP_MINUTES;
  const slots: Slot[] = [];
  for (let m = first; m < 1440; m += SLOT_STEP_MINUTES) {
    const at = zonedTime(date, m, tz);
    if (at > now && localDate(at, tz) === date && openStatus(policy, at, tz).open) slots.push({ value: formatHhmm(m), at });
  }
  return slots;
}
