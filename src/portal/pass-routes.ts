// Redeeming an access pass at the splash page, in a zone whose policy requires one, or a desk
// pass (time beyond today's allowance) in any zone, from the splash or the "time used up" page.
// A wrong code shows the page again with a clear message and the code as typed; wrong codes
// are rate limited per client (under a keyed hash of its address).
import { Router } from 'express';
import type { Deps } from '../deps';
import type { Csrf } from '../http/csrf';
import { DomainError } from '../domain/errors';
import { AppError } from '../http/errors';
import { formValues } from '../http/forms';
import { patronRateLimit } from '../http/rate-limit';
import { storeAway } from '../sessions/store-breaker';
import type { Translate } from '../i18n/translate';
import { normaliseCode } from '../privacy/random';
import { renderRefusal } from './patron-routes';
import { renderSplash } from './splash-view';

/** Wrong codes a client may type per window (a right one does not count). */
export const PASS_ATTEMPTS = 5;
export const PASS_WINDOW_MS = 10 * 60_000;

export function passRouter(deps: Deps, csrf: Csrf): Router {
  const r = Router();
  const limit = patronRateLimit(deps.resolveClient, {
    random: deps.random,
    limit: PASS_ATTEMPTS,
    windowMs: PASS_WINDOW_MS,
    skipSuccessfulRequests: true,
    messageKey: 'pass.tooMany',
  });

  r.post('/redeem', limit, csrf.protect, csrf.provide, async (req, res) => {
    const client = deps.resolveClient(req, { fresh: true });
    if (deps.sessions.lookup(client.ip)) return res.redirect(303, '/status');
    const info = await deps.sessions.describe(client);
    if (!info) return res.status(403).render('portal/no-zone');
    const t = res.locals.t as Translate;
    const typed = formValues(req.body, { code: { max: 40 } }).code;
    // The form came from the "time used up" page when the day is used up, else from the splash.
    const again = (passError: string) =>
      info.leftSeconds <= 0
        ? renderRefusal(res, { ok: false, reason: 'allowance-exhausted', policy: info.policy }, deps, client, { desk: { passError, passCode: typed }, status: 400 })
        : renderSplash(res, info, { passError, passCode: typed }, 400);
    if (!normaliseCode(typed)) return again(t('pass.empty'));
    // A pass is checked in the shared store: while it is away, the patron gets "one moment".
    if (deps.sessions.storeAway) throw storeAway();
    const result = await deps.staff.passes.redeem(client, typed, { deskOnly: info.policy.accessMode !== 'pass' }).catch((err: unknown) => {
      throw err instanceof AppError || err instanceof DomainError ? err : storeAway(err);
    });
    if (result.ok) return res.redirect(303, '/status');
    if (result.reason === 'refused') return renderRefusal(res, result.refusal, deps, client);
    again(t(`${result.desk ? 'deskPass' : 'pass'}.${result.reason}`));
  });

  return r;
}
