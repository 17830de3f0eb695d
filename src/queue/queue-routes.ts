// The patron's side of the kiosk queue: take a ticket, follow it (JSON for the page's script),
// give it up, and claim a held PC with the ticket's code. The ticket link's key is the holder's
// secret; the page never names the patron or their device.
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../deps';
import type { Csrf } from '../http/csrf';
import { patronError } from '../http/errors';
import { patronRateLimit } from '../http/rate-limit';
import { formatDuration, type Translate } from '../i18n/translate';
import { renderRefusal } from '../portal/patron-routes';
import { heldHere, queueCall, renderHeld, untilBooking } from './held-here';
import type { TicketView } from './queue-service';
import { bookableSlots } from './booking-slots';
import type { Zone } from '../config/schema';
import { isTicketKey, spacedCode } from './ticket-codes';
import { minutesUntil } from './wait-estimate';

const actionForm = z.object({ _csrf: z.string() }).strict();
const bookForm = z.object({ _csrf: z.string(), time: z.string().max(5).default(''), pc: z.string().max(64).default('') }).strict();
const claimForm = z.object({ _csrf: z.string(), code: z.string().max(40).default('') }).strict();

export function queueRouter(deps: Deps, csrf: Csrf): Router {
  const r = Router();
  const limit = patronRateLimit(deps.resolveClient, { random: deps.random, limit: 10, windowMs: 60_000 });
  const zoneOf = (id: unknown) => {
    const zone = typeof id === 'string' ? deps.queue.zone(id) : undefined;
    if (!zone) throw patronError(404, 'not_found', 'queue.none');
    return zone;
  };

  r.get('/queue', (_req, res) => {
    const zones = deps.queue.zones();
    if (zones.length === 1) return res.redirect(303, (res.locals.url as (u: string) => string)(`/queue/${zones[0]!.id}`));
    res.render('queue/zones', { zones });
  });

  /** The page to take a ticket or book, with a message when one was refused. */
  const renderTake = async (res: Response, zone: Zone, opts: { error?: string; bookError?: string; values?: { time: string; pc: string } } = {}, status = 200) => {
    const board = await queueCall(() => deps.queue.board(zone.id));
    const policy = await deps.sessions.policies.get(zone.id);
    const slots = bookableSlots(deps.clock.now(), deps.config.timezone, policy);
    const pcs = await queueCall(() => deps.queue.pcsOf(zone.id));
    res.status(status).render('queue/take', { zone, waiting: board.waiting.length + board.held.length, slots, pcs, values: opts.values ?? { time: '', pc: '' }, error: opts.error, bookError: opts.bookError });
  };
  const toTicket = (res: Response, zone: Zone, key: string) => res.redirect(303, (res.locals.url as (u: string) => string)(`/queue/${zone.id}/t/${key}`));

  r.get('/queue/:zone', csrf.provide, async (req, res) => renderTake(res, zoneOf(req.params.zone)));

  r.post('/queue/:zone/take', limit, csrf.protect, csrf.provide, async (req, res) => {
    const zone = zoneOf(req.params.zone);
    actionForm.parse(req.body ?? {});
    const taken = await queueCall(() => deps.queue.take(zone.id));
    if (!taken.ok) return renderTake(res, zone, { error: (res.locals.t as Translate)('queue.full') }, 409);
    toTicket(res, zone, taken.key);
  });

  // A booking for later today: a time offered on the page, and one PC or any.
  r.post('/queue/:zone/book', limit, csrf.protect, csrf.provide, async (req, res) => {
    const zone = zoneOf(req.params.zone);
    const form = bookForm.parse(req.body ?? {});
    const t = res.locals.t as Translate;
    const policy = await deps.sessions.policies.get(zone.id);
    const slot = bookableSlots(deps.clock.now(), deps.config.timezone, policy).find((s) => s.value === form.time);
    const values = { time: form.time, pc: form.pc };
    if (!slot) return renderTake(res, zone, { bookError: t('queue.bookRefused'), values }, 400);
    const booked = await queueCall(() => deps.queue.book(zone.id, slot.at, form.pc || undefined));
    if (!booked.ok) return renderTake(res, zone, { bookError: t(booked.reason === 'taken' || booked.reason === 'unknown-pc' ? 'queue.bookTaken' : booked.reason === 'full' ? 'queue.full' : 'queue.bookRefused'), values }, 400);
    toTicket(res, zone, booked.key);
  });

  r.get('/queue/:zone/t/:key.json', async (req, res) => {
    const zone = zoneOf(req.params.zone);
    const view = isTicketKey(String(req.params.key)) ? await queueCall(() => deps.queue.ticket(zone.id, String(req.params.key))) : undefined;
    res.set('Cache-Control', 'no-store');
    if (!view) return res.status(404).json({ gone: true, text: (res.locals.t as Translate)('queue.gone') });
    res.json({ gone: false, lines: ticketLines(res, deps, view) });
  });

  r.get('/queue/:zone/t/:key', csrf.provide, async (req, res) => {
    const zone = zoneOf(req.params.zone);
    const key = String(req.params.key);
    const view = isTicketKey(key) ? await queueCall(() => deps.queue.ticket(zone.id, key)) : undefined;
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    if (!view) return res.status(404).render('queue/gone', { zone });
    res.render('queue/ticket', { zone, key, view, code: spacedCode(view.claimCode), lines: ticketLines(res, deps, view) });
  });

  r.post('/queue/:zone/t/:key/leave', limit, csrf.protect, async (req, res) => {
    const zone = zoneOf(req.params.zone);
    actionForm.parse(req.body ?? {});
    const key = String(req.params.key);
    if (isTicketKey(key)) await queueCall(() => deps.queue.leave(zone.id, key));
    res.render('queue/left', { zone });
  });

  // At a held PC: the ticket's claim code starts the session there.
  r.post('/queue/claim', limit, csrf.protect, csrf.provide, async (req, res) => {
    const form = claimForm.parse(req.body ?? {});
    const client = deps.resolveClient(req, { fresh: true });
    const held = await heldHere(deps, client.ip);
    if (!held) return res.redirect(303, '/');
    const t = res.locals.t as Translate;
    const result = await queueCall(() => deps.queue.claim(held.zoneId, held.pc, form.code));
    if (!result.ok) {
      const error = result.reason === 'too-many' ? t('held.tooMany') : t('held.wrong', { ticket: held.label });
      return renderHeld(res, held, { error, code: form.code }, result.reason === 'too-many' ? 429 : 400);
    }
    const granted = await deps.sessions.grant(client, 'click-through', await untilBooking(deps, client.ip));
    if (!granted.ok) return renderRefusal(res, granted, deps, client);
    // In use at once for every gateway, not only after the agent's next poll: no other gateway holds it meanwhile.
    await queueCall(() => deps.store.workstations.update(held.pc, { inUse: true }));
    res.redirect(303, '/status');
  });

  return r;
}

/** The ticket page's changing lines, in the patron's language (the same for the page and its script). */
function ticketLines(res: Response, deps: Deps, v: TicketView): string[] {
  const t = res.locals.t as Translate;
  const fmtTime = res.locals.fmtTime as (ms: number) => string;
  const fmtWhen = res.locals.fmtWhen as (ms: number) => string;
  const now = deps.clock.now();
  if (v.held) return [t('queue.called', { pc: v.held.pc, time: fmtTime(v.held.until) }), t('queue.calledHelp')];
  if (v.position === undefined && v.slotAt !== undefined) {
    const grace = formatDuration(t, (deps.sessions.policies.peek(v.zoneId)?.holdMinutes ?? 5) * 60);
    return [t('queue.booked', { when: fmtWhen(v.slotAt), grace })];
  }
  const lines = [v.position === 1 ? t('queue.next') : t('queue.ahead', { n: (v.position ?? 1) - 1 })];
  if (v.expectedAt === undefined) lines.push(t('queue.expectedUnknown'));
  else if (minutesUntil(v.expectedAt, now) <= 1) lines.push(t('queue.expectedSoon'));
  else lines.push(t('queue.expected', { when: fmtWhen(v.expectedAt) }));
  return lines;
}
