// /privacy: the privacy notice, generated from the running configuration so it cannot drift.
import { Router } from 'express';
import type { Deps } from '../deps';
import { KEY_DAYS_KEPT } from '../privacy/day-keys';
import { SESSION_GRACE_MS } from '../store/types';
import { formatDuration, type Translate } from '../i18n/translate';

export function privacyRouter(deps: Deps): Router {
  const router = Router();
  router.get('/privacy', async (_req, res) => {
    const t = res.locals.t as Translate;
    const zones = [];
    for (const z of deps.config.zones) {
      const p = await deps.sessions.policies.get(z.id);
      zones.push({
        name: z.name,
        session: formatDuration(t, p.sessionMinutes * 60),
        daily: formatDuration(t, p.dailyMinutes * 60),
        idle: p.idleMinutes ? formatDuration(t, p.idleMinutes * 60) : undefined,
      });
    }
    res.render('portal/privacy', {
      zones,
      graceMinutes: SESSION_GRACE_MS / 60_000,
      keyDays: KEY_DAYS_KEPT,
      retentionDays: deps.config.statsRetentionDays,
      storeKind: deps.store.kind,
      firewall: deps.firewall.name,
    });
  });
  return router;
}
