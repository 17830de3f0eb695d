// /privacy: the privacy notice, generated from the running configuration so it cannot drift.
import { Router } from 'express';
import type { Deps } from '../deps';
import type { Translate } from '../i18n/translate';
import { privacyFacts } from './privacy-facts';

export function privacyRouter(deps: Deps): Router {
  const router = Router();
  router.get('/privacy', async (_req, res) => {
    res.render('portal/privacy', { facts: await privacyFacts(deps, res.locals.t as Translate) });
  });
  return router;
}
