// The patron's side of time given at the desk: on the "time used up" page, after staff typed the
// device's help code, "Staff have given me more time" starts a session of what they gave.
import { Router } from 'express';
import type { Deps } from '../deps';
import type { Csrf } from '../http/csrf';
import { DomainError } from '../domain/errors';
import { AppError } from '../http/errors';
import { patronRateLimit } from '../http/rate-limit';
import type { Translate } from '../i18n/translate';
import { storeAway } from '../sessions/store-breaker';
import { helpCodeFor } from './help-code';
import { renderRefusal } from './patron-routes';

export function helpRouter(deps: Deps, csrf: Csrf): Router {
  const r = Router();
  const limit = patronRateLimit(deps.resolveClient, { random: deps.random, limit: 20, windowMs: 60_000 });

  r.post('/help-time', limit, csrf.protect, csrf.provide, async (req, res) => {
    const client = deps.resolveClient(req, { fresh: true });
    if (deps.sessions.lookup(client.ip)) return res.redirect(303, '/status');
    const info = await deps.sessions.describe(client);
    if (!info) return res.status(403).render('portal/no-zone');
    // Desk time is checked in the shared store: while it is away, the patron gets "one moment".
    if (deps.sessions.storeAway) throw storeAway();
    const result = await deps.staff.passes.redeemDeskTime(client, helpCodeFor(deps.keys, client)).catch((err: unknown) => {
      throw err instanceof AppError || err instanceof DomainError ? err : storeAway(err);
    });
    if (result.ok) return res.redirect(303, '/status');
    if (result.reason === 'refused') return renderRefusal(res, result.refusal, deps, client);
    // Nothing waiting, but the day has time left (pressed after midnight): the splash, not "used up".
    if (info.leftSeconds > 0) return res.redirect(303, '/');
    const t = res.locals.t as Translate;
    // Nothing given to this code yet (or already used): the page again, saying what to do.
    renderRefusal(res, { ok: false, reason: 'allowance-exhausted', policy: info.policy }, deps, client, { notice: t('exhausted.notYet') });
  });

  return r;
}
