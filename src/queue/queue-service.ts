// The kiosk queue's use cases: take a ticket, follow it, hold a free PC for the next one, claim
// it at the PC, and staff's call, skip, cancel and move. Every change is one compare-and-set of
// the zone's stored queue, retried on conflict, so gateways sharing a store agree.
import type { Config, Policy, Zone } from '../config/schema';
import type { Clock } from '../domain/clock';
import { localDate, nextMidnight } from '../domain/local-time';
import { openStatus } from '../domain/opening-hours';
import type { RandomSource } from '../privacy/random';
import type { QueueTicket, Store, ZoneQueue } from '../store/types';
import * as R from './queue-rules';
import { claimCodeOf, claimHash, keyHash, newTicketKey } from './ticket-codes';
import { expectedAt } from './wait-estimate';
import { QueueTally } from './queue-tally';
import type { BookResult, ClaimOutcome, QueueBoard, TakeResult, TicketView } from './queue-views';

export type { BookResult, ClaimOutcome, QueueBoard, TakeResult, TicketView } from './queue-views';

/** Tickets a zone's queue holds at most (one ticket page per patron; a full room, not a flood). */
export const MAX_TICKETS = 200;
/** Compare-and-set attempts before a change gives up (only under a storm of writers). */
const MAX_ATTEMPTS = 25;
/** A PC whose agent has not asked for this long is not offered to the queue. */
export const PC_SEEN_MS = 3 * 60_000;

export interface QueueServiceDeps {
  config: Pick<Config, 'zones' | 'timezone' | 'statsRetentionDays'>;
  store: Store;
  clock: Clock;
  random: RandomSource;
  policies: { get(zoneId: string): Promise<Policy> };
  /** This gateway's running sessions, for the wait estimates (end times only). */
  running: () => { zoneId: string; endsAt: number }[];
  /** Whether a session runs on this PC as this gateway knows it (fresher than the stored flag). */
  busyHere?: (pc: string) => boolean;
}

export class QueueService {
  readonly tally: QueueTally;

  constructor(private readonly d: QueueServiceDeps) {
    this.tally = new QueueTally(d.store, d.clock, d.config.statsRetentionDays);
  }

  /** The kiosk zones (the only ones with a queue). */
  zones(): Zone[] {
    return this.d.config.zones.filter((z) => z.kind === 'kiosk');
  }

  zone(zoneId: string): Zone | undefined {
    return this.zones().find((z) => z.id === zoneId);
  }

  /** The letter tickets of a zone start with. */
  letterOf(zoneId: string): string {
    return (this.zone(zoneId)?.name ?? zoneId).replace(/[^A-Za-z]/g, '').charAt(0).toUpperCase() || 'Q';
  }

  label(zoneId: string, number: number): string {
    return R.ticketLabel(this.letterOf(zoneId), number);
  }

  /** A new ticket (or, with `slotAt`, a booking); its key and claim code are shown once here. */
  async take(zoneId: string, opts: { slotAt?: number; pc?: string } = {}): Promise<TakeResult> {
    if (!this.zone(zoneId)) return { ok: false, reason: 'not-kiosk' };
    const key = newTicketKey(this.d.random);
    const code = claimCodeOf(key);
    const number = await this.change(zoneId, (q, now) => {
      if (q.tickets.length >= MAX_TICKETS) return undefined;
      const t: Omit<QueueTicket, 'number' | 'hold'> = { keyHash: keyHash(key), claimHash: claimHash(code), issuedAt: now };
      if (opts.slotAt !== undefined) t.slotAt = opts.slotAt;
      if (opts.pc !== undefined) t.pc = opts.pc;
      return R.issue(q, t);
    });
    if (number === undefined) return { ok: false, reason: 'full' };
    await this.tally.issued(zoneId);
    await this.settle(zoneId);
    return { ok: true, key, label: this.label(zoneId, number), claimCode: code };
  }

  /**
   * A booking for later today at `slotAt` (epoch ms), for one PC or any PC of the zone: refused in
   * the past, on another day, outside opening hours, for a PC not in the zone, or when the PC (or
   * every PC, for "any") is booked within a session's length of it.
   */
  async book(zoneId: string, slotAt: number, pc?: string): Promise<BookResult> {
    if (!this.zone(zoneId)) return { ok: false, reason: 'not-kiosk' };
    const now = this.d.clock.now();
    if (slotAt <= now) return { ok: false, reason: 'past' };
    if (localDate(slotAt, this.d.config.timezone) !== this.today()) return { ok: false, reason: 'not-today' };
    const policy = await this.d.policies.get(zoneId);
    if (!openStatus(policy, slotAt, this.d.config.timezone).open) return { ok: false, reason: 'closed' };
    const pcs = await this.pcsOf(zoneId);
    if (pc !== undefined && !pcs.includes(pc)) return { ok: false, reason: 'unknown-pc' };
    const sessionMs = policy.sessionMinutes * 60_000;
    const stored = await this.d.store.queue.read(zoneId);
    const near = R.forDay(stored?.queue, this.today()).tickets.filter((t) => t.slotAt !== undefined && Math.abs(t.slotAt - slotAt) < sessionMs);
    if (pc !== undefined ? near.some((t) => t.pc === pc) : near.length >= pcs.length) return { ok: false, reason: 'taken' };
    return this.take(zoneId, { slotAt, ...(pc !== undefined && { pc }) });
  }

  /** A ticket by its holder's key, or undefined when it is gone (served, expired, cancelled). */
  async ticket(zoneId: string, key: string): Promise<TicketView | undefined> {
    if (!this.zone(zoneId)) return undefined;
    const { q, free } = await this.settle(zoneId);
    const now = this.d.clock.now();
    const hash = keyHash(key);
    const t = q.tickets.find((x) => x.keyHash === hash);
    if (!t) return undefined;
    const view: TicketView = { zoneId, label: this.label(zoneId, t.number), claimCode: claimCodeOf(key) };
    if (t.hold) view.held = { pc: t.hold.pc, until: t.hold.until };
    if (t.slotAt !== undefined) view.slotAt = t.slotAt;
    const line = R.waiting(q, now);
    const at = line.indexOf(t);
    if (at >= 0) {
      view.position = at + 1;
      const policy = await this.d.policies.get(zoneId);
      const when = expectedAt(at + 1, free.length, this.endsIn(zoneId), policy.sessionMinutes * 60_000, now);
      if (when !== undefined) view.expectedAt = when;
    } else if (!t.hold && t.slotAt !== undefined) view.expectedAt = t.slotAt;
    return view;
  }

  /** Lets go of a ticket by its holder's key (the holder no longer wants it). */
  async leave(zoneId: string, key: string): Promise<boolean> {
    const hash = keyHash(key);
    const gone = await this.change(zoneId, (q) => {
      const t = q.tickets.find((x) => x.keyHash === hash);
      return t ? R.remove(q, t.number) : false;
    });
    if (gone) await this.settle(zoneId);
    return gone === true;
  }

  /**
   * Passes on holds that ran out and holds free PCs for the next tickets; returns the queue as
   * it now stands and the free PCs. Called by agents' polls, pages and a periodic job.
   */
  async settle(zoneId: string): Promise<{ q: ZoneQueue; free: string[] }> {
    const { free, busy } = await this.pcStates(zoneId);
    const policy = await this.d.policies.get(zoneId);
    let outcome: R.QueueOutcome = { held: [], abandoned: 0 };
    const q = await this.apply(zoneId, (q, now) => {
      outcome = R.settle(q, now, free, policy.holdMinutes * 60_000, busy);
    });
    if (outcome.abandoned > 0) await this.tally.abandoned(zoneId, outcome.abandoned);
    const held = new Set(q.tickets.flatMap((t) => (t.hold ? [t.hold.pc] : [])));
    return { q, free: free.filter((pc) => !held.has(pc)) };
  }

  /** The ticket a PC is held for now (settled first), for the kiosk's screen. */
  async holdAt(zoneId: string, pc: string): Promise<{ label: string; until: number } | undefined> {
    if (!this.zone(zoneId)) return undefined;
    const { q } = await this.settle(zoneId);
    const t = R.heldAt(q, pc);
    return t?.hold ? { label: this.label(zoneId, t.number), until: t.hold.until } : undefined;
  }

  /** The holder typed `code` at `pc`: a match serves the ticket, and the session may start. */
  async claim(zoneId: string, pc: string, code: string): Promise<ClaimOutcome> {
    if (!this.zone(zoneId)) return { ok: false, reason: 'not-kiosk' };
    await this.settle(zoneId);
    const hash = claimHash(code);
    const result = (await this.change(zoneId, (q) => R.claim(q, pc, hash))) ?? { ok: false, reason: 'not-held' };
    if (result.ok) await this.tally.served(zoneId, this.d.clock.now() - (result.ticket.slotAt ?? result.ticket.issuedAt));
    return result;
  }

  /**
   * When the next booking of `pc` starts (a session there ends by then), or undefined when it has
   * none later today. A booking for "any PC" takes the first PC free at its time instead.
   */
  async nextBookingAt(zoneId: string, pc: string): Promise<number | undefined> {
    const stored = await this.d.store.queue.read(zoneId);
    const now = this.d.clock.now();
    const slots = R.forDay(stored?.queue, this.today()).tickets.flatMap((t) => (!t.hold && t.pc === pc && t.slotAt !== undefined && t.slotAt > now ? [t.slotAt] : []));
    return slots.length ? Math.min(...slots) : undefined;
  }

  /** Whether anyone waits in the zone (a ticket, a hold, or a booking that is due). */
  async anyoneWaiting(zoneId: string): Promise<boolean> {
    const stored = await this.d.store.queue.read(zoneId);
    const now = this.d.clock.now();
    const q = R.forDay(stored?.queue, this.today());
    return q.tickets.some((t) => t.hold !== undefined || t.slotAt === undefined || t.slotAt <= now);
  }

  /** The zone's queue for the display and staff. */
  async board(zoneId: string): Promise<QueueBoard> {
    const { q, free } = await this.settle(zoneId);
    const now = this.d.clock.now();
    const label = (n: number) => this.label(zoneId, n);
    const ends = this.endsIn(zoneId).filter((e) => e > now).sort((a, b) => a - b);
    const board: QueueBoard = {
      zoneId,
      held: R.serviceOrder(q, now).flatMap((t) => (t.hold ? [{ label: label(t.number), number: t.number, pc: t.hold.pc, until: t.hold.until }] : [])),
      waiting: R.waiting(q, now).map((t) => ({ label: label(t.number), number: t.number, issuedAt: t.issuedAt, ...(t.slotAt !== undefined && { slotAt: t.slotAt }), ...(t.pc !== undefined && { pc: t.pc }) })),
      booked: q.tickets
        .filter((t) => !t.hold && t.slotAt !== undefined && t.slotAt > now)
        .sort((a, b) => a.slotAt! - b.slotAt!)
        .map((t) => ({ label: label(t.number), number: t.number, slotAt: t.slotAt!, ...(t.pc !== undefined && { pc: t.pc }) })),
      freePcs: free,
    };
    if (ends[0] !== undefined) board.nextFreeAt = ends[0];
    return board;
  }

  // ---- Staff actions (the routes audit them) ----

  /** Holds `pc` for the next ticket now; the number called, or undefined when no one waits or the PC is held. */
  async callNext(zoneId: string, pc: string): Promise<number | undefined> {
    const policy = await this.d.policies.get(zoneId);
    return this.change(zoneId, (q, now) => R.callNext(q, pc, now, policy.holdMinutes * 60_000));
  }

  async skip(zoneId: string, number: number): Promise<boolean> {
    const done = (await this.change(zoneId, (q) => R.skip(q, number))) === true;
    if (done) await this.settle(zoneId);
    return done;
  }

  async cancel(zoneId: string, number: number): Promise<boolean> {
    const done = (await this.change(zoneId, (q) => R.remove(q, number))) === true;
    if (done) await this.settle(zoneId);
    return done;
  }

  async moveTo(zoneId: string, number: number, pc: string): Promise<boolean> {
    const policy = await this.d.policies.get(zoneId);
    return (await this.change(zoneId, (q, now) => R.moveTo(q, number, pc, now, policy.holdMinutes * 60_000))) === true;
  }

  /**
   * The zone's free PCs (in service, their agent asked lately, no session) and busy ones (a
   * session runs on them: a hold there is released).
   */
  async pcStates(zoneId: string): Promise<{ free: string[]; busy: string[] }> {
    const now = this.d.clock.now();
    const mine = (await this.d.store.workstations.list()).filter((w) => w.zoneId === zoneId && w.retiredAt === undefined);
    const busy = mine.filter((w) => w.inUse || this.d.busyHere?.(w.name) === true).map((w) => w.name);
    const free = mine.filter((w) => w.mode === 'in-service' && !busy.includes(w.name) && (w.lastSeenAt ?? 0) > now - PC_SEEN_MS).map((w) => w.name);
    return { free, busy };
  }

  /** The zone's PCs staff may send a ticket to. */
  async pcsOf(zoneId: string): Promise<string[]> {
    return (await this.d.store.workstations.list()).filter((w) => w.zoneId === zoneId && w.retiredAt === undefined).map((w) => w.name);
  }

  private endsIn(zoneId: string): number[] {
    return this.d.running().filter((s) => s.zoneId === zoneId).map((s) => s.endsAt);
  }

  private today(): string {
    return localDate(this.d.clock.now(), this.d.config.timezone);
  }

  /** One change to the zone's queue, by compare-and-set; resolves what `fn` returned (undefined: nothing changed). */
  private async change<T>(zoneId: string, fn: (q: ZoneQueue, now: number) => T | undefined): Promise<T | undefined> {
    let result: T | undefined;
    await this.apply(zoneId, (q, now) => {
      result = fn(q, now);
    });
    return result;
  }

  /** Reads, changes and writes back the queue, again on conflict; a queue left empty is deleted. */
  private async apply(zoneId: string, fn: (q: ZoneQueue, now: number) => void): Promise<ZoneQueue> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const now = this.d.clock.now();
      const day = localDate(now, this.d.config.timezone);
      const stored = await this.d.store.queue.read(zoneId);
      const before = stored && stored.queue.day === day ? JSON.stringify(stored.queue) : undefined;
      const q = R.forDay(before === undefined ? undefined : (JSON.parse(before) as ZoneQueue), day);
      fn(q, now);
      const after = JSON.stringify(q);
      if (after === before || (before === undefined && stored === undefined && q.tickets.length === 0 && q.next === 1)) return q;
      // The numbering lasts the day, so the document stays (without a ticket) until midnight.
      const next = q.tickets.length === 0 && q.next === 1 ? undefined : q;
      if (await this.d.store.queue.write(zoneId, stored?.version ?? 0, next, nextMidnight(now, this.d.config.timezone))) return q;
    }
    throw new Error(`the queue of zone ${zoneId} kept changing under ${MAX_ATTEMPTS} attempts`);
  }
}
