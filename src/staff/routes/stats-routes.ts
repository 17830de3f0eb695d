// Statistics pages: a day by hour, a month by day, a year by month, with SVG charts drawn on the
// server, a CSV export and the yearly survey figures. Aggregates only.
import { Router } from 'express';
import type { Deps } from '../../deps';
import { notFound } from '../../http/errors';
import { param } from '../guards';
import { COUNTER_LABELS, parsePeriod, reportCsv, shownFigure, type StatsReport } from '../stats-service';
import { barChart } from '../svg-chart';

/** The page's charts: a visible caption each, and the SVG (whose own title is for screen readers). */
function charts(report: StatsReport): { title: string; svg: string }[] {
  const labels = report.buckets.map((b) => b.label);
  const labelEvery = { day: 3, month: 5, year: 1 }[report.period.kind];
  const unit = { day: 'hour', month: 'day', year: 'month' }[report.period.kind];
  const series = [
    { id: 'sessions', title: `Sessions started, by ${unit}`, values: report.buckets.map((b) => b.counts.sessionsStarted) },
    { id: 'hours', title: `Patron-hours used, by ${unit}`, values: report.buckets.map((b) => Math.round((b.counts.minutesUsed / 60) * 10) / 10) },
    { id: 'peak', title: `Most sessions at once, by ${unit}`, values: report.buckets.map((b) => b.peak) },
  ];
  return series.map((s) => ({ title: s.title, svg: barChart({ ...s, labels, labelEvery }) }));
}

/** The day, month and year to open from a period: today where it lies inside, else its start. */
function periodLinks(value: string, today: string): Record<'day' | 'month' | 'year', string> {
  const inside = today.startsWith(value);
  const day = value.length === 10 ? value : inside ? today : value.length === 7 ? `${value}-01` : `${value}-01-01`;
  return { day, month: day.slice(0, 7), year: day.slice(0, 4) };
}

export function statsRoutes(deps: Deps): Router {
  const r = Router();

  r.get('/staff/stats', (_req, res) => {
    res.redirect(303, `/staff/stats/day/${deps.staff.stats.current('day').value}`);
  });

  r.get('/staff/stats/:kind/:value', async (req, res) => {
    const csv = param(req, 'value').endsWith('.csv');
    const period = parsePeriod(param(req, 'kind'), csv ? param(req, 'value').slice(0, -4) : param(req, 'value'));
    if (!period) throw notFound('There are no statistics at this address. Pick a day (YYYY-MM-DD), a month (YYYY-MM) or a year (YYYY) from the statistics page.');
    const zoneParam = typeof req.query.zone === 'string' ? req.query.zone : '';
    const zone = deps.config.zones.find((z) => z.id === zoneParam);
    if (zoneParam && !zone) throw notFound(`There is no zone "${zoneParam.slice(0, 40)}". Choose one of the zones listed on the statistics page.`);
    const report = await deps.staff.stats.report(period, zone?.id);
    if (csv) {
      const name = `threshold-${period.kind}-${period.value}${zone ? `-${zone.id}` : ''}.csv`;
      res.type('text/csv; charset=utf-8').attachment(name).send(reportCsv(report, deps.staff.stats.k));
      return;
    }
    const zoneName = (id: string) => deps.config.zones.find((z) => z.id === id)?.name ?? id;
    const active = new Set((await deps.workstations.overview()).map((e) => e.workstation.name));
    const misplaced = deps.kiosks
      .misplacedWorkstations()
      .filter((m) => active.has(m.name))
      .map((m) => ({ name: m.name, enrolled: zoneName(m.enrolledZoneId), address: zoneName(m.addressZoneId) }));
    res.render('staff/stats', {
      misplaced,
      report,
      zone,
      zones: deps.config.zones,
      charts: charts(report),
      labels: COUNTER_LABELS,
      current: deps.staff.stats.current(period.kind),
      links: periodLinks(period.value, deps.staff.stats.current('day').value),
      retentionDays: deps.config.statsRetentionDays,
      k: deps.staff.stats.k,
      shown: (t: Parameters<typeof shownFigure>[0], c: Parameters<typeof shownFigure>[1]) => shownFigure(t, c, deps.staff.stats.k),
    });
  });

  return r;
}
