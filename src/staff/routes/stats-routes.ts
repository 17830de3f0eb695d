// Statistics pages: a day by hour, a month by day, a year by month, with SVG charts drawn on the
// server, a CSV export and the yearly survey figures. Aggregates only.
import { Router } from 'express';
import type { Deps } from '../../deps';
import { notFound } from '../../http/errors';
import { param } from '../guards';
import { COUNTER_LABELS, parsePeriod, reportCsv, shownFigure, type StatsReport } from '../stats-service';
import { STAT_COUNTERS } from '../../store/types';
import { barChart } from '../svg-chart';
import type { StaffKey, StaffTranslate } from '../../i18n/staff/translate';

/** The page's charts: a visible caption each, and the SVG (whose own title is for screen readers). */
function charts(report: StatsReport, t: StaffTranslate): { title: string; svg: string }[] {
  const months = new Intl.DateTimeFormat(t.lang, { month: 'short', timeZone: 'UTC' });
  // A year's bars are its months, named in the reader's language; hours and days are numbers.
  const labels = report.buckets.map((b) => (report.period.kind === 'year' ? months.format(Date.parse(`${b.key}-15T12:00:00Z`)) : b.label));
  const labelEvery = { day: 3, month: 5, year: 1 }[report.period.kind];
  const unit = { day: 'hour', month: 'day', year: 'month' }[report.period.kind];
  const title = (series: string) => t(`stats.chart${series}.${unit}` as StaffKey);
  const series = [
    { id: 'sessions', title: title('Sessions'), values: report.buckets.map((b) => b.counts.sessionsStarted) },
    { id: 'hours', title: title('Hours'), values: report.buckets.map((b) => Math.round((b.counts.minutesUsed / 60) * 10) / 10) },
    { id: 'peak', title: title('Peak'), values: report.buckets.map((b) => b.peak) },
  ];
  return series.map((s) => ({ title: s.title, svg: barChart({ ...s, labels, labelEvery }) }));
}

/** A period or bucket the reader's way: "18 de noviembre de 2026", "novembre 2026"; English keeps the ISO form. */
function periodNamer(lang: string): (value: string) => string {
  if (lang === 'en') return (value) => value;
  const day = new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' });
  const month = new Intl.DateTimeFormat(lang, { month: 'long', year: 'numeric', timeZone: 'UTC' });
  return (value) => {
    if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return day.format(Date.parse(`${value}T12:00:00Z`));
    if (/^\d{4}-\d{2}$/.test(value)) return month.format(Date.parse(`${value}-15T12:00:00Z`));
    return value;
  };
}

/** The day, month and year to open from a period: today where it lies inside, else its start. */
function periodLinks(value: string, today: string): Record<'day' | 'month' | 'year', string> {
  const inside = today.startsWith(value);
  const day = value.length === 10 ? value : inside ? today : value.length === 7 ? `${value}-01` : `${value}-01-01`;
  return { day, month: day.slice(0, 7), year: day.slice(0, 4) };
}

/** The CSV's columns named in the reader's language (the same columns, in the same order). */
function translatedHeader(t: StaffTranslate): string[] {
  return [t('csv.period'), t('csv.zone'), ...STAT_COUNTERS.map((c) => t(`counter.${c}` as StaffKey)), t('csv.peak'), t('csv.cellsWithheld')];
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
      // Stable machine-readable column names; ?header=translated names them in the reader's language.
      const t = res.locals.t as StaffTranslate;
      const header = req.query.header === 'translated' ? translatedHeader(t) : undefined;
      res.type('text/csv; charset=utf-8').attachment(name).send(reportCsv(report, deps.staff.stats.k, header));
      return;
    }
    const name = periodNamer(String(res.locals.lang));
    const figure = res.locals.fmtFigure as (s: string) => string;
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
      charts: charts(report, res.locals.t as StaffTranslate),
      periodName: (pd: { value: string }) => name(pd.value),
      bucketName: (b: { key: string }) => name(b.key),
      labels: COUNTER_LABELS,
      current: deps.staff.stats.current(period.kind),
      links: periodLinks(period.value, deps.staff.stats.current('day').value),
      retentionDays: deps.config.statsRetentionDays,
      k: deps.staff.stats.k,
      shown: (t: Parameters<typeof shownFigure>[0], c: Parameters<typeof shownFigure>[1]) => figure(shownFigure(t, c, deps.staff.stats.k)),
    });
  });

  return r;
}
