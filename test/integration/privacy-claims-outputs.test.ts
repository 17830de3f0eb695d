// Each claim the privacy notice and the "what this network keeps" lesson make about published
// figures, logs and staff records: stated in all four languages from the settings and constants
// the code uses, and true of what the code does.
import request from 'supertest';
import { SUPPORTED, type Lang } from '../../src/i18n/languages';
import { formatDuration, translator } from '../../src/i18n/translate';
import { LOG_SUMMARY_MINUTES } from '../../src/sessions/session-log';
import { AUDIT_TIME_PRECISION_MS } from '../../src/staff/audit-log';
import { makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';

const K = 7;
const AUDIT_DAYS = 90;
const CONFIG = { minCellSessions: K, auditRetentionDays: AUDIT_DAYS, zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.91.0.0/16'] }] };
const DAY = 86_400_000;

/** As EJS writes text into a page. */
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
/** Page text with tags dropped and white space folded, for phrases that markdown wraps. */
const flat = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');

async function read(ctx: StaffContext, url: string, lang: Lang): Promise<string> {
  const res = await request(ctx.app).get(url).set('X-Test-Client', '10.91.9.9').set('Accept', 'text/html').set('Accept-Language', lang);
  expect(res.status).toBe(200);
  return res.text;
}

/** In the lesson, the phrases that carry each claim, per language. */
const LESSON: Record<Lang, { k: string; audit: (days: string) => string; precision: (p: string) => string }> = {
  en: { k: `fewer than ${K} sessions`, audit: (d) => `It is kept for ${d}.`, precision: (p) => `to the nearest ${p}` },
  fr: { k: `moins de ${K} sessions`, audit: (d) => `Il est conservé ${d}.`, precision: (p) => `à ${p} près` },
  es: { k: `menos de ${K} sesiones`, audit: (d) => `Se guarda durante ${d}.`, precision: (p) => `precisión de ${p}` },
  ar: { k: `بأقل من ${K} جلسات`, audit: (d) => `ويُحفظ مدة ${d}.`, precision: (p) => `بدقة ${p}` },
};

describe('privacy claims about published figures, logs and staff records', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when the notice and the lesson are read in each language, then they state k, the audit retention and precision, and the log summary from the running settings', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    for (const lang of SUPPORTED) {
      const t = translator(lang);
      const notice = await read(ctx, '/privacy', lang);
      expect(notice).toContain(escapeHtml(t('privacy.smallCells', { k: K })));
      const precision = formatDuration(t, AUDIT_TIME_PRECISION_MS / 1000);
      const days = t('count.days', { n: AUDIT_DAYS });
      expect(notice).toContain(escapeHtml(t('privacy.audit', { precision, retention: days })));
      expect(notice).toContain(escapeHtml(t('privacy.logCounts', { period: formatDuration(t, LOG_SUMMARY_MINUTES * 60), k: K })));
      const lesson = flat(await read(ctx, '/learn/this-network', lang));
      expect({ lang, k: lesson.includes(LESSON[lang].k) }).toEqual({ lang, k: true });
      expect({ lang, audit: lesson.includes(LESSON[lang].audit(days)) }).toEqual({ lang, audit: true });
      expect({ lang, precision: lesson.includes(LESSON[lang].precision(precision)) }).toEqual({ lang, precision: true });
      expect(lesson).not.toContain('{{');
    }
  });

  it(`when an hour has fewer than k = ${K} sessions, then the export says "fewer than ${K}", as the notice claims; with k it gives the count`, async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    for (let i = 1; i < K; i++) await new Patron(ctx.app, `10.91.1.${i}`).accept();
    const staff = await signedIn(ctx, 'sam', 'staff');
    const quiet = (await staff.get('/staff/stats/day/2026-11-18.csv')).text.split('\r\n').find((l) => l.startsWith('2026-11-18 10:00,wifi'))!;
    expect(quiet.split(',')[2]).toBe(`fewer than ${K}`);
    await new Patron(ctx.app, `10.91.1.${K}`).accept();
    const busy = (await staff.get('/staff/stats/day/2026-11-18.csv')).text.split('\r\n').find((l) => l.startsWith('2026-11-18 10:00,wifi'))!;
    expect(busy.split(',')[2]).toBe(String(K));
  });

  it('when staff end a session, then the audit entry names the zone, not the code, to the minute, and is gone after the stated retention', async () => {
    ctx = await makeStaffApp({ config: CONFIG, now: '2026-11-18T10:00:42.500Z' });
    await new Patron(ctx.app, '10.91.2.1').accept();
    const code = ctx.deps.sessions.lookup('10.91.2.1')!.record.code;
    const staff = await signedIn(ctx, 'sam', 'staff');
    await staff.submit(`/staff/sessions?code=${code}`, '/staff/sessions/end', { code, confirm: 'yes' });
    const [entry] = (await ctx.deps.staff.audit.list(10)).filter((e) => e.action === 'session.end');
    expect(entry).toMatchObject({ target: 'wifi', at: Date.parse('2026-11-18T10:00:00Z') });
    expect(JSON.stringify(entry)).not.toContain(code);
    ctx.clock.advance((AUDIT_DAYS - 1) * DAY);
    expect((await ctx.deps.staff.audit.list(10)).some((e) => e.action === 'session.end')).toBe(true);
    ctx.clock.advance(2 * DAY);
    expect((await ctx.deps.staff.audit.list(10)).some((e) => e.action === 'session.end')).toBe(false);
  });

  it('when patrons start and end sessions, then the log has no line for any of them, as the notice claims', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const p = new Patron(ctx.app, '10.91.3.1');
    await p.accept();
    await p.submit('/status', '/logout');
    expect(ctx.logs.filter((l) => /session (started|extended|ended)|"event":"session\./.test(l))).toEqual([]);
  });
});
