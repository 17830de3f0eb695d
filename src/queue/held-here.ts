// Whether the page request comes from a kiosk PC held for a ticket, and the held screen it gets
// instead of the splash: the ticket's number and a field for its claim code.
import type { Response } from 'express';
import { ZodError } from 'zod';
import type { Deps } from '../deps';
import { DomainError } from '../domain/errors';
import { AppError } from '../http/errors';
import { storeAway } from '../sessions/store-breaker';

export interface HeldHere {
  pc: string;
  zoneId: string;
  label: string;
  until: number;
}

/** The hold on the PC at `ip`, if an agent runs there, no session does, and a ticket holds it. */
export async function heldHere(deps: Deps, ip: string): Promise<HeldHere | undefined> {
  const pc = deps.pcs.at(ip);
  if (!pc || deps.sessions.lookup(ip)) return undefined;
  const hold = await queueCall(() => deps.queue.holdAt(pc.zoneId, pc.name));
  return hold ? { pc: pc.name, zoneId: pc.zoneId, ...hold } : undefined;
}

/**
 * The longest a session may run on the PC at `ip` before that PC's next booking (seconds), or
 * undefined when it is not a kiosk PC or has no booking later today.
 */
export async function untilBooking(deps: Deps, ip: string): Promise<number | undefined> {
  const pc = deps.pcs.at(ip);
  if (!pc) return undefined;
  const at = await queueCall(() => deps.queue.nextBookingAt(pc.zoneId, pc.name));
  return at === undefined ? undefined : Math.max(0, Math.floor((at - deps.clock.now()) / 1000));
}

export function renderHeld(res: Response, held: HeldHere, opts: { error?: string; code?: string } = {}, status = 200): void {
  res.status(status).render('queue/held', { held, error: opts.error, code: opts.code ?? '' });
}

/** A queue call on a patron's path: a store fault is the "one moment" page, never a 500. */
export async function queueCall<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    // A refused form (a ZodError) stays a 400; anything else from the store is its fault.
    throw err instanceof AppError || err instanceof DomainError || err instanceof ZodError ? err : storeAway(err);
  }
}
