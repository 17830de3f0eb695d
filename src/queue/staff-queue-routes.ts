// The staff side of the kiosk queue (/staff/queue): each kiosk zone's holds, waiting tickets and
// bookings; call the next ticket to a PC, skip, cancel, send a ticket to a PC, print a ticket for
// someone without a phone, book a PC for later today. Every action is audited, naming the zone
// and PC but never a ticket (a ticket is a patron's, however anonymous).
import type { AuditDetail } from '../staff/audit-text';
import { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../deps';
import { localDate, parseHhmm, zonedTime } from '../domain/local-time';
import type { Csrf } from '../http/csrf';
import { notFound } from '../http/errors';
import { LANGUAGES, SUPPORTED } from '../i18n/languages';
import { translator } from '../i18n/translate';
import { spacedCode } from './ticket-codes';
import { queueCall } from './held-here';
import { queueToday } from './queue-today';
import type { BookResult } from './queue-service';

export interface StaffQueueGuards {
  csrf: Csrf;
  /** Records a staff action in the audit log (who is taken from the response). */
  audit: (res: Response, action: string, target: string, detail: AuditDetail) => Promise<void>;
}

const ticketForm = z.object({ _csrf: z.string().optional(), ticket: z.string().max(8).default(''), pc: z.string().max(64).default('') }).strict();
const bookForm = z.object({ _csrf: z.string().optional(), time: z.string().max(40).default(''), pc: z.string().max(64).default('') }).strict();
const NOTICES: Record<string, string> = {
  called: 'The PC is held for the next ticket.',
  none: 'No ticket is waiting, or that PC is held already.',
  skipped: 'The ticket goes to the back of the line.',
  cancelled: 'The ticket is cancelled and deleted.',
  moved: 'The ticket is held at that PC now.',
  gone: 'That ticket is no longer in the queue.',
};
const BOOK_ERRORS: Record<Exclude<BookResult, { ok: true }>['reason'], string> = {
  'not-kiosk': 'This zone has no queue.',
  full: 'The queue is full (200 tickets).',
  past: 'That time has passed: choose a time later today.',
  'not-today': 'Bookings are for later today only: choose a time before midnight.',
  closed: 'The zone is closed then: choose a time within opening hours.',
  'unknown-pc': 'There is no such PC in this zone: choose one from the list.',
  taken: 'That PC (or every PC, for "any PC") is booked within a session of that time: choose another time or PC.',
};

export function staffQueueRouter(deps: Deps, guards: StaffQueueGuards): Router {
  const r = Router();
  const { csrf, audit } = guards;
  const zoneOf = (id: unknown) => {
    const zone = typeof id === 'string' ? deps.queue.zone(id) : undefined;
    if (!zone) throw notFound('No kiosk zone of that name has a queue. Open the queue page from the menu.');
    return zone;
  };
  const render = async (res: Response, opts: { notice?: string; bookError?: string; values?: { time: string; pc: string } } = {}, status = 200) => {
    const zones = await Promise.all(
      deps.queue.zones().map(async (zone) => ({ zone, board: await deps.queue.board(zone.id), pcs: await deps.queue.pcsOf(zone.id), today: await queueToday(deps, zone.id) })),
    );
    res.status(status).render('queue/staff-queue', { zones, k: deps.config.minCellSessions, notice: opts.notice, bookError: opts.bookError, values: opts.values ?? { time: '', pc: '' } });
  };
  /** Why a ticket cannot be sent to `pc`: not a PC of the zone, or a session runs on it. */
  const pcRefusal = async (zoneId: string, pc: string): Promise<{ status: number; message: string } | undefined> => {
    if (!(await deps.queue.pcsOf(zoneId)).includes(pc)) return { status: 400, message: 'Choose a PC of this zone.' };
    if ((await deps.queue.pcStates(zoneId)).busy.includes(pc)) return { status: 409, message: `A session is running on ${pc}: choose a free PC.` };
    return undefined;
  };
  const back = (res: Response, notice: string) => res.redirect(303, `/staff/queue?done=${notice}`);

  r.get('/staff/queue', async (req, res) => {
    const done = typeof req.query.done === 'string' ? NOTICES[req.query.done] : undefined;
    await queueCall(() => render(res, done ? { notice: done } : {}));
  });

  // A store fault is the "one moment" page (503), never a 500.
  const post = (path: string, handler: RequestHandler) =>
    r.post(`/staff/queue/:zone/${path}`, csrf.protect, csrf.provide, (req, res, next) => queueCall(async () => handler(req, res, next)));

  post('call', async (req, res) => {
    const zone = zoneOf(req.params.zone);
    const { pc } = ticketForm.parse(req.body ?? {});
    const refusal = await pcRefusal(zone.id, pc);
    if (refusal) return render(res, { notice: refusal.message }, refusal.status);
    const number = await deps.queue.callNext(zone.id, pc);
    if (number === undefined) return back(res, 'none');
    await audit(res, 'queue.call', zone.id, { key: 'audit.queueCall', vars: { pc } });
    back(res, 'called');
  });

  for (const [path, action, detail] of [['skip', 'queue.skip', { key: 'audit.queueSkip' }], ['cancel', 'queue.cancel', { key: 'audit.queueCancel' }]] as const) {
    post(path, async (req, res) => {
      const zone = zoneOf(req.params.zone);
      const number = ticketNumber(ticketForm.parse(req.body ?? {}).ticket);
      const done = number !== undefined && (path === 'skip' ? await deps.queue.skip(zone.id, number) : await deps.queue.cancel(zone.id, number));
      if (!done) return back(res, 'gone');
      await audit(res, action, zone.id, detail);
      back(res, path === 'skip' ? 'skipped' : 'cancelled');
    });
  }

  post('move', async (req, res) => {
    const zone = zoneOf(req.params.zone);
    const form = ticketForm.parse(req.body ?? {});
    const number = ticketNumber(form.ticket);
    const refusal = await pcRefusal(zone.id, form.pc);
    if (refusal) return render(res, { notice: refusal.message }, refusal.status);
    if (number === undefined || !(await deps.queue.moveTo(zone.id, number, form.pc))) return back(res, 'gone');
    await audit(res, 'queue.move', zone.id, { key: 'audit.queueMove', vars: { pc: form.pc } });
    back(res, 'moved');
  });

  // A ticket printed at the desk for someone without a phone: its number and claim code, once.
  post('print', async (req, res) => {
    const zone = zoneOf(req.params.zone);
    const taken = await deps.queue.take(zone.id);
    if (!taken.ok) return render(res, { notice: BOOK_ERRORS[taken.reason] }, 409);
    await audit(res, 'queue.print', zone.id, { key: 'audit.queuePrint' });
    res.render('queue/staff-ticket', { zone, label: taken.label, code: spacedCode(taken.claimCode), slotAt: undefined, how: HOW, script: 'print.js' });
  });

  post('book', async (req, res) => {
    const zone = zoneOf(req.params.zone);
    const form = bookForm.parse(req.body ?? {});
    const values = { time: form.time, pc: form.pc };
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(form.time)) return render(res, { bookError: 'Enter the time as HH:MM, for example 14:30.', values }, 400);
    const slotAt = zonedTime(localDate(deps.clock.now(), deps.config.timezone), parseHhmm(form.time), deps.config.timezone);
    const booked = await deps.queue.book(zone.id, slotAt, form.pc || undefined);
    if (!booked.ok) return render(res, { bookError: BOOK_ERRORS[booked.reason], values }, 400);
    await audit(res, 'queue.book', zone.id, form.pc ? { key: 'audit.queueBook', vars: { pc: form.pc, time: form.time } } : { key: 'audit.queueBookAny', vars: { time: form.time } });
    res.render('queue/staff-ticket', { zone, label: booked.label, code: spacedCode(booked.claimCode), slotAt, how: HOW, script: 'print.js' });
  });

  return r;
}

/** What a printed ticket says to do, in every patron language (from the patron catalogues). */
const HOW = SUPPORTED.map((lang) => ({ lang, dir: LANGUAGES[lang].dir, text: translator(lang)('queue.claimHelp') }));

/** "B-17" or "17" → 17. */
function ticketNumber(s: string): number | undefined {
  const m = /^(?:[A-Z]-)?(\d{1,4})$/i.exec(s.trim());
  return m ? Number(m[1]) : undefined;
}
