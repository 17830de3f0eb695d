// What the queue service answers: a ticket as its holder sees it, a zone's board for the display
// and staff, and the outcomes of taking, booking and claiming. No secret and no patron in any.
import type { ClaimResult } from './queue-rules';

/** A ticket as its holder sees it. */
export interface TicketView {
  zoneId: string;
  label: string;
  claimCode: string;
  /** 1 = next; undefined while held, or for a booking not yet due. */
  position?: number;
  held?: { pc: string; until: number };
  slotAt?: number;
  /** When a PC is expected (epoch ms); undefined when unknown. */
  expectedAt?: number;
}

/** A zone's queue as the display and the staff page show it (no secret in it). */
export interface QueueBoard {
  zoneId: string;
  held: { label: string; number: number; pc: string; until: number }[];
  waiting: { label: string; number: number; issuedAt: number; slotAt?: number; pc?: string }[];
  /** Bookings for later today, not due yet. */
  booked: { label: string; number: number; slotAt: number; pc?: string }[];
  /** When the next running session ends (epoch ms). */
  nextFreeAt?: number;
  freePcs: string[];
}

export type BookResult = TakeResult | { ok: false; reason: 'past' | 'not-today' | 'closed' | 'unknown-pc' | 'taken' };

export type TakeResult = { ok: true; key: string; label: string; claimCode: string } | { ok: false; reason: 'not-kiosk' | 'full' };
export type ClaimOutcome = ClaimResult | { ok: false; reason: 'not-kiosk' };
