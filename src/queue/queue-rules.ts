// The queue's rules, pure: who is next, when a hold is given, passes on or is claimed. Time
// comes in as `now`; the service applies each change to the stored queue by compare-and-set.
import type { QueueTicket, ZoneQueue } from '../store/queue-types';

/** Wrong claim codes typed at a held PC before it stops taking codes for that hold. */
export const MAX_WRONG_CLAIMS = 5;

/** What one change did, for the statistics and the kiosks (no identifier in it). */
export interface QueueOutcome {
  /** PCs that were given a hold, with the ticket number. */
  held: { pc: string; number: number }[];
  /** Tickets whose hold ran out unclaimed, or bookings never held in time, dropped. */
  abandoned: number;
}

export function emptyQueue(day: string): ZoneQueue {
  return { day, next: 1, tickets: [] };
}

/** The queue as it stands on `day`: yesterday's tickets and numbers are gone. */
export function forDay(q: ZoneQueue | undefined, day: string): ZoneQueue {
  return q && q.day === day ? q : emptyQueue(day);
}

/** Whether a ticket (or a due booking) may be held now, at `pc` when given. */
function eligible(t: QueueTicket, now: number, pc?: string): boolean {
  return !t.hold && (t.slotAt === undefined || t.slotAt <= now) && (pc === undefined || t.pc === undefined || t.pc === pc);
}

/** The order tickets are served in: bookings that are due (by slot), then tickets by number. */
export function serviceOrder(q: ZoneQueue, now: number): QueueTicket[] {
  const key = (t: QueueTicket) => (t.slotAt !== undefined && t.slotAt <= now ? t.slotAt : Number.MAX_SAFE_INTEGER);
  return [...q.tickets].sort((a, b) => key(a) - key(b) || placeOf(a) - placeOf(b));
}

/** A ticket's place in the line: its number, or later once skipped. */
function placeOf(t: QueueTicket): number {
  return t.order ?? t.number;
}

/** Tickets waiting (not held; bookings only once due), in service order. */
export function waiting(q: ZoneQueue, now: number): QueueTicket[] {
  return serviceOrder(q, now).filter((t) => eligible(t, now));
}

/** Adds a ticket (or booking) and returns its number. */
export function issue(q: ZoneQueue, t: Omit<QueueTicket, 'number' | 'hold'>): number {
  const number = q.next;
  q.next += 1;
  q.tickets.push({ ...t, number });
  return number;
}

/**
 * Releases holds on PCs a session started on meanwhile (the ticket keeps its place), drops holds
 * that ran out (the ticket is abandoned and the PC held for the next one below) and bookings
 * whose slot passed unheld; then holds each free PC for the next ticket.
 */
export function settle(q: ZoneQueue, now: number, freePcs: readonly string[], graceMs: number, busyPcs: readonly string[] = []): QueueOutcome {
  for (const t of q.tickets) if (t.hold && busyPcs.includes(t.hold.pc)) delete t.hold;
  const before = q.tickets.length;
  q.tickets = q.tickets.filter((t) => (t.hold ? t.hold.until > now : t.slotAt === undefined || t.slotAt + graceMs > now));
  const abandoned = before - q.tickets.length;
  return { held: holdFree(q, now, freePcs, graceMs), abandoned };
}

function holdFree(q: ZoneQueue, now: number, freePcs: readonly string[], graceMs: number): { pc: string; number: number }[] {
  const held: { pc: string; number: number }[] = [];
  const taken = new Set(q.tickets.flatMap((t) => (t.hold ? [t.hold.pc] : [])));
  for (const pc of freePcs) {
    if (taken.has(pc)) continue;
    const next = serviceOrder(q, now).find((t) => eligible(t, now, pc));
    if (!next) continue;
    next.hold = { pc, until: now + graceMs, wrong: 0 };
    taken.add(pc);
    held.push({ pc, number: next.number });
  }
  return held;
}

/** The ticket a PC is held for, if any. */
export function heldAt(q: ZoneQueue, pc: string): QueueTicket | undefined {
  return q.tickets.find((t) => t.hold?.pc === pc);
}

export type ClaimResult = { ok: true; ticket: QueueTicket } | { ok: false; reason: 'not-held' | 'wrong-code' | 'too-many' };

/** The holder typed a claim code at `pc`: a match serves the ticket (it leaves the queue). */
export function claim(q: ZoneQueue, pc: string, claimHash: string): ClaimResult {
  const t = heldAt(q, pc);
  if (!t?.hold) return { ok: false, reason: 'not-held' };
  if (t.hold.wrong >= MAX_WRONG_CLAIMS) return { ok: false, reason: 'too-many' };
  if (t.claimHash !== claimHash) {
    t.hold.wrong += 1;
    return { ok: false, reason: t.hold.wrong >= MAX_WRONG_CLAIMS ? 'too-many' : 'wrong-code' };
  }
  remove(q, t.number);
  return { ok: true, ticket: t };
}

/** Removes a ticket (served, cancelled); true when it was there. */
export function remove(q: ZoneQueue, number: number): boolean {
  const before = q.tickets.length;
  q.tickets = q.tickets.filter((t) => t.number !== number);
  return q.tickets.length < before;
}

export function find(q: ZoneQueue, number: number): QueueTicket | undefined {
  return q.tickets.find((t) => t.number === number);
}

/** Staff call the next ticket to `pc` (whatever the PC's state looks like): its hold starts now. */
export function callNext(q: ZoneQueue, pc: string, now: number, graceMs: number): number | undefined {
  if (heldAt(q, pc)) return undefined;
  return holdFree(q, now, [pc], graceMs)[0]?.number;
}

/** Staff skip a ticket: its hold (if any) is released and it goes to the back of the line, keeping its number. */
export function skip(q: ZoneQueue, number: number): boolean {
  const t = find(q, number);
  if (!t) return false;
  delete t.hold;
  delete t.slotAt;
  t.order = Math.max(...q.tickets.map(placeOf)) + 1;
  return true;
}

/** Staff send a ticket to a PC: any hold it had moves there, and the PC's other hold is released. */
export function moveTo(q: ZoneQueue, number: number, pc: string, now: number, graceMs: number): boolean {
  const t = find(q, number);
  if (!t) return false;
  const other = heldAt(q, pc);
  if (other && other !== t) delete other.hold;
  t.pc = pc;
  t.hold = { pc, until: now + graceMs, wrong: 0 };
  return true;
}

/** The label called out: the zone's letter and the number ("B-17"). */
export function ticketLabel(zoneLetter: string, number: number): string {
  return `${zoneLetter}-${number}`;
}
