// The patron's pages: splash, accept, status, extend, log out.
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../deps';
import type { OpenStatus } from '../domain/opening-hours';
import type { Csrf } from '../http/csrf';
import { patronError } from '../http/errors';
import type { GrantResult } from '../sessions/session-service';
import { formatDuration, type Translate } from '../i18n/translate';
import { patronRateLimit } from '../http/rate-limit';
import { renderSplash, type PassFormState } from './splash-view';
import { formatHelpCode, helpCodeFor } from './help-code';
import type { ClientAddress } from '../sessions/session-types';
import { afterExtend, renderStatus } from './status-view';
import { heldHere, renderHeld, untilBooking } from '../queue/held-here';

const acceptForm = z.object({ _csrf: z.string(), accept: z.literal('yes', { message: 'Tick or press the accept button to agree to the terms.' }) }).strict();
const actionForm = z.object({ _csrf: z.string() }).strict();

export function patronRouter(deps: Deps, csrf: Csrf): Router {
  const router = Router();
  const limit = patronRateLimit(deps.resolveClient, { limit: 20, windowMs: 60_000, random: deps.random });

  router.get('/', csrf.provide, async (req, res) => {
    const client = deps.resolveClient(req);
    if (deps.sessions.lookup(client.ip)) return res.redirect(303, '/status');
    const info = await deps.sessions.describe(client);
    if (!info) return res.status(403).render('portal/no-zone');
    if (!info.open.open) return renderClosed(res, info.open);
    // A kiosk PC held for a ticket of the queue starts only with that ticket's claim code.
    const held = await heldHere(deps, client.ip);
    if (held) return renderHeld(res, held);
    renderSplash(res, info);
  });

  router.post('/accept', limit, csrf.protect, csrf.provide, async (req, res) => {
    const parsed = acceptForm.safeParse(req.body ?? {});
    if (!parsed.success) throw patronError(400, 'bad_request', 'error.acceptMissing');
    // Fresh: the grant seals the MAC, so a neighbour-table miss is re-read first.
    const client = deps.resolveClient(req, { fresh: true });
    const held = await heldHere(deps, client.ip);
    if (held) return renderHeld(res, held, { error: (res.locals.t as Translate)('held.lead', { ticket: held.label, time: (res.locals.fmtTime as (ms: number) => string)(held.until) }) }, 409);
    // A session on a PC booked later today ends when the booking starts.
    const result = await deps.sessions.grant(client, 'click-through', await untilBooking(deps, client.ip));
    if (!result.ok && result.reason === 'pass-required') {
      // The pass form (/redeem) is on the same page: show it with the reason.
      const info = await deps.sessions.describe(client);
      if (info) return renderSplash(res, info, { passError: (res.locals.t as Translate)('pass.required') }, 400);
    }
    if (!result.ok) return renderRefusal(res, result, deps, client);
    // A full page load (not a fragment), so iOS's mini-browser shows "Done".
    res.redirect(303, '/status');
  });

  router.get('/status', csrf.provide, async (req, res) => {
    const session = deps.sessions.lookup(deps.resolveClient(req).ip);
    if (!session) return res.redirect(303, '/');
    await renderStatus(req, res, deps, session, deps.sessions.policies.peek(session.record.zoneId));
  });

  router.post('/extend', limit, csrf.protect, async (req, res) => {
    actionForm.parse(req.body ?? {});
    const result = await deps.sessions.extend(deps.resolveClient(req).ip);
    res.redirect(303, afterExtend(result));
  });

  router.post('/logout', limit, csrf.protect, async (req, res) => {
    actionForm.parse(req.body ?? {});
    await deps.sessions.logout(deps.resolveClient(req).ip);
    res.redirect(303, '/logged-out');
  });

  router.get('/logged-out', (_req, res) => res.render('portal/logged-out'));

  return router;
}

function renderClosed(res: Response, open: Pick<OpenStatus, 'todayHours' | 'nextOpenAt' | 'closureReason' | 'closureTranslations'>, closingSoon = false) {
  res.status(403).render('portal/closed', { open, closingSoon });
}

/** What the "time used up" page may show besides: a notice, the desk pass form's message and code. */
export interface RefusalExtras {
  notice?: string;
  desk?: PassFormState;
  status?: number;
}

export function renderRefusal(res: Response, result: Exclude<GrantResult, { ok: true }>, deps: Deps, client?: ClientAddress, extras: RefusalExtras = {}) {
  if (result.reason === 'no-zone' || result.reason === 'pass-required') return res.status(403).render('portal/no-zone');
  if (result.reason === 'closed') return renderClosed(res, result.open ?? { todayHours: [] }, Boolean(result.open?.open));
  const t = res.locals.t as Translate;
  return res.status(extras.status ?? 403).render('portal/exhausted', {
    dailyText: formatDuration(t, (result.policy?.dailyMinutes ?? 0) * 60),
    resetsAt: deps.sessions.allowanceResetsAt(),
    // Shown only to this device: staff give it more time by this code (help-routes.ts).
    helpCode: client ? formatHelpCode(helpCodeFor(deps.keys, client)) : undefined,
    notice: extras.notice,
    passError: extras.desk?.passError,
    passCode: extras.desk?.passCode ?? '',
  });
}

