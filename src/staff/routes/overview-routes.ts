// The console's home page: live sessions per zone, each zone's rules in short, today's totals.
import { Router } from 'express';
import type { Deps } from '../../deps';
import { shownFigure, type Totals } from '../stats-service';

export function overviewRoutes(deps: Deps): Router {
  const r = Router();
  r.get('/staff', async (_req, res) => {
    const counts = await deps.staff.live.counts();
    const today = await deps.staff.stats.report(deps.staff.stats.current('day'));
    const zones = [];
    for (const z of deps.config.zones) {
      const policy = await deps.sessions.policies.get(z.id);
      zones.push({
        zone: z,
        policy,
        live: counts.find((c) => c.zoneId === z.id)?.count ?? 0,
        today: today.perZone.find((p) => p.zone.id === z.id)?.total,
      });
    }
    // Today's figures follow the small-cell rule like every statistic ("fewer than k").
    const figure = res.locals.fmtFigure as (s: string) => string;
    res.render('staff/overview', { zones, shown: (t: Totals, c: Parameters<typeof shownFigure>[1]) => figure(shownFigure(t, c, deps.staff.stats.k)) });
  });
  return r;
}
