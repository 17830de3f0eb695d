// The "now serving" screen near the PCs (/display/<zone>): tickets called and their PCs, how
// many wait, when the next PC frees up. Large type; its script reloads it every 20 seconds (a TV
// browser without script gets a <meta> refresh with ?refresh=meta, which WCAG 2.2.1 would not allow
// on a page people read, so it is not the default); without a chosen language, the page holds
// all four and its script shows them in turn.
import { Router } from 'express';
import type { Deps } from '../deps';
import { patronError } from '../http/errors';
import { LANGUAGES, SUPPORTED, type Lang } from '../i18n/languages';
import { translator } from '../i18n/translate';
import { queueCall } from './held-here';

/** How often the screen reloads itself. */
export const DISPLAY_REFRESH_SECONDS = 20;

export function displayRouter(deps: Deps): Router {
  const r = Router();
  r.get('/display/:zone', async (req, res) => {
    const zone = deps.queue.zone(String(req.params.zone));
    if (!zone) throw patronError(404, 'not_found', 'queue.none');
    const board = await queueCall(() => deps.queue.board(zone.id));
    const chosen = res.locals.chosenLang as Lang | undefined;
    const langs = (chosen ? [chosen] : SUPPORTED).map((code) => ({ code, dir: LANGUAGES[code].dir, t: translator(code) }));
    const base = deps.config.portalUrl?.replace(/\/+$/, '') ?? '';
    res.set('Cache-Control', 'no-store');
    res.render('queue/display', { zone, board, langs, takeUrl: `${base}/queue/${zone.id}`, refreshSeconds: DISPLAY_REFRESH_SECONDS, refreshUrl: req.originalUrl, metaRefresh: req.query.refresh === 'meta' });
  });
  return r;
}
