// The staff console in its four languages, in headless Chromium: an Arabic-speaking admin who
// picks Arabic in the header and a Spanish-speaking staff member whose browser says Spanish do
// the desk's jobs (a policy change, finding and extending a session, passes, statistics, the
// fleet); then axe-core checks every staff page in en, es, fr and ar (right to left in Arabic),
// and nothing is fetched from another host. Screenshots in test-output/screenshots/staff-languages.
import fs from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Lang } from '../../src/i18n/languages';
import { launchBrowser, screenshotDir } from '../helpers/browser';
import { serveApp, type Served } from '../helpers/page-audit';
import { addAccount, makeStaffApp, PASSWORD, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';
import { makeReport, makeWorkstation } from '../helpers/workstations';

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const CONFIG = {
  libraryName: 'Riverside Library',
  zones: [
    { id: 'kiosks', name: 'Kiosk PCs', kind: 'kiosk' as const, subnets: ['10.20.0.0/16'], policy: { sessionMinutes: 30 } },
    { id: 'wifi', name: 'Wi-Fi', subnets: ['10.10.0.0/16'], policy: { sessionMinutes: 60, dailyMinutes: 180 } },
  ],
};
const shots = screenshotDir('staff-languages');

/** WCAG 2.0/2.1 A and AA problems axe-core finds (evaluated outside the page's CSP). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
    .then((r) => r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`)) as string[];
  return result;
}

describe('the staff console in four languages, in a browser', () => {
  let ctx: StaffContext;
  let staffSite: Served;
  let portalSite: Served;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const offHost: string[] = [];
  const consoleErrors: string[] = [];
  const a11y: string[] = [];

  async function look(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
    for (const v of await axeViolations(page)) a11y.push(`${name}: ${v}`);
  }

  async function open(locale: string, acceptLanguage: string): Promise<Page> {
    const c = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale, extraHTTPHeaders: { 'Accept-Language': acceptLanguage } });
    contexts.push(c);
    const page = await c.newPage();
    page.on('request', (r) => {
      if (!r.url().startsWith(staffSite.base) && !r.url().startsWith('data:')) offHost.push(r.url());
    });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    return page;
  }

  async function signIn(page: Page, username: string): Promise<void> {
    await page.goto(`${staffSite.base}/staff/login`);
    await page.fill('#f-username', username);
    await page.fill('#f-password', PASSWORD);
    await Promise.all([page.waitForURL(`${staffSite.base}/staff`), page.click('main button[type=submit].primary')]);
  }

  beforeAll(async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const now = ctx.clock.now();
    await ctx.deps.store.workstations.add(makeWorkstation({ name: 'kiosk-01', zoneId: 'kiosks', enrolledAt: now - 86_400_000 }));
    await ctx.deps.store.workstations.recordHealth('kiosk-01', [{ receivedAt: now, report: makeReport({ at: now }) }], now);
    await ctx.deps.workstations.send({ name: 'kiosk-01' }, 'lock');
    for (let i = 1; i <= 6; i++) await new Patron(ctx.app, `10.10.0.${i}`).accept();
    await addAccount(ctx, 'layla', 'admin');
    await addAccount(ctx, 'carlos', 'staff');
    staffSite = await serveApp(ctx.staffApp);
    portalSite = await serveApp(ctx.app);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await staffSite?.close();
    await portalSite?.close();
    await ctx?.close();
  });

  it('when an Arabic-speaking admin picks Arabic and does the desk jobs, then every page is in Arabic, right to left, and the work is done', async () => {
    const page = await open('ar-EG', 'ar-EG,ar;q=0.9,en;q=0.5');
    // Before anyone is known the sign-in page follows the browser: Arabic already.
    await page.goto(`${staffSite.base}/staff/login`);
    expect(await page.getAttribute('html', 'dir')).toBe('rtl');
    await look(page, 'ar-00-login');
    await signIn(page, 'layla');
    // The choice, kept on the account: from the header's switcher, back on the same page.
    await page.goto(`${staffSite.base}/staff/sessions`);
    await page.selectOption('#console-language', 'ar');
    await Promise.all([page.waitForURL(`${staffSite.base}/staff/sessions`), page.click('form.language button')]);
    expect((await ctx.deps.store.staff.getAccount('layla'))?.language).toBe('ar');
    expect(await page.getAttribute('html', 'lang')).toBe('ar');
    await page.goto(`${staffSite.base}/staff`);
    await look(page, 'ar-01-overview');

    // A policy change: a mistake first (the message in Arabic, the input kept), then 45 minutes.
    await page.goto(`${staffSite.base}/staff/policies/wifi`);
    await page.fill('#f-sessionMinutes', 'أربعون');
    await page.click('main button[type=submit].primary');
    expect(await page.textContent('#f-sessionMinutes-error')).toContain('أدخل مدة الجلسة عددًا صحيحًا من الدقائق');
    await look(page, 'ar-02-policy-error');
    await page.fill('#f-sessionMinutes', '45');
    await Promise.all([page.waitForURL(/\/staff\/policies\?saved=wifi/), page.click('main button[type=submit].primary')]);
    expect(await page.textContent('.notice.ok')).toContain('حُفظت قواعد Wi-Fi');
    expect((await ctx.deps.sessions.policies.get('wifi')).sessionMinutes).toBe(45);
    await look(page, 'ar-03-policies');

    // Find a session by its code and extend it by 15 minutes.
    const session = ctx.deps.sessions.lookup('10.10.0.1')!.record;
    await page.goto(`${staffSite.base}/staff/sessions`);
    await page.fill('#find-code', session.code);
    await Promise.all([page.waitForURL(/code=/), page.click('form[action="/staff/sessions"] button')]);
    await look(page, 'ar-04-session-found');
    const before = ctx.deps.sessions.lookup('10.10.0.1')!.record.endsAt;
    await page.selectOption('#extend-minutes', '15');
    await Promise.all([page.waitForURL(/notice=extended/), page.click('form[action="/staff/sessions/extend"] button')]);
    expect(await page.textContent('.notice.ok')).toBe('مُدّدت الجلسة.');
    expect(ctx.deps.sessions.lookup('10.10.0.1')!.record.endsAt - before).toBe(15 * 60_000);

    // Passes: the sheet in Arabic, the patron's how-to in every language.
    await page.goto(`${staffSite.base}/staff/passes`);
    await page.fill('#f-count', '4');
    await page.fill('#f-minutes', '30');
    await page.fill('#f-label', 'نادي القراءة');
    await page.click('main button[type=submit].primary');
    expect(await page.locator('.pass-code').count()).toBe(4);
    expect(await page.locator('.pass .pass-how[lang="es"]').count()).toBe(4);
    expect(await page.textContent('.pass-title')).toBe('بطاقة دخول إلى الإنترنت');
    await look(page, 'ar-05-pass-sheet');
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: `${shots}/ar-06-pass-sheet-print.png`, fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    // Statistics and the fleet.
    await page.goto(`${staffSite.base}/staff/stats`);
    expect(await page.locator('svg.chart').count()).toBe(3);
    await look(page, 'ar-07-stats');
    await page.goto(`${staffSite.base}/staff/workstations`);
    await look(page, 'ar-08-fleet');
    await page.goto(`${staffSite.base}/staff/workstations/kiosk-01`);
    expect(await page.textContent('h1')).toContain('kiosk-01');
    await look(page, 'ar-09-workstation');
    await page.goto(`${staffSite.base}/staff/audit`);
    await look(page, 'ar-10-audit');
  });

  it('when a Spanish-speaking staff member signs in, then the console follows the browser and the desk jobs are done in Spanish', async () => {
    const page = await open('es-ES', 'es-ES,es;q=0.9');
    await signIn(page, 'carlos');
    expect(await page.getAttribute('html', 'lang')).toBe('es');
    expect((await ctx.deps.store.staff.getAccount('carlos'))?.language).toBeUndefined();
    await look(page, 'es-01-overview');
    // Find a session from the overview and extend it.
    const session = ctx.deps.sessions.lookup('10.10.0.2')!.record;
    await page.fill('#find-code', session.code);
    await Promise.all([page.waitForURL(/code=/), page.click('main form[action="/staff/sessions"] button')]);
    expect(await page.textContent('#found-h')).toContain('Sesión');
    await page.selectOption('#extend-minutes', '30');
    await Promise.all([page.waitForURL(/notice=extended/), page.click('form[action="/staff/sessions/extend"] button')]);
    expect(await page.textContent('.notice.ok')).toBe('Se ha ampliado la sesión.');
    await look(page, 'es-02-sessions');
    // A pass batch with a mistake first.
    await page.goto(`${staffSite.base}/staff/passes`);
    await page.fill('#f-count', '0');
    await page.click('main button[type=submit].primary');
    expect(await page.textContent('#f-count-error')).toBe('Indique cuántos pases, de 1 a 200.');
    await look(page, 'es-03-passes-error');
    await page.fill('#f-count', '2');
    await page.click('main button[type=submit].primary');
    expect(await page.locator('.pass-code').count()).toBe(2);
    await look(page, 'es-04-pass-sheet');
    await page.goto(`${staffSite.base}/staff/stats`);
    await look(page, 'es-05-stats');
    await page.goto(`${staffSite.base}/staff/workstations`);
    await look(page, 'es-06-fleet');
    // Staff are refused the admin pages, in Spanish.
    const res = await page.goto(`${staffSite.base}/staff/policies`);
    expect(res?.status()).toBe(403);
    expect(await page.textContent('main')).toContain('Solo una persona administradora puede abrir esta página.');
    await look(page, 'es-07-forbidden');
  });

  it.each(['en', 'es', 'fr', 'ar'] as Lang[])('when every staff page is opened in %s, then axe finds no WCAG A/AA problem on any of them', async (lang) => {
    const page = await open(lang, lang);
    await signIn(page, 'layla');
    await page.selectOption('#console-language', lang);
    await Promise.all([page.waitForLoadState('load'), page.click('form.language button')]);
    const session = ctx.deps.sessions.lookup('10.10.0.3')!.record;
    // Someone waiting for a PC, so the queue page has a ticket to show.
    if ((await ctx.deps.queue.board('kiosks')).waiting.length === 0) await ctx.deps.queue.take('kiosks');
    const paths = [
      '/staff',
      '/staff/sessions',
      `/staff/sessions?code=${session.code}`,
      '/staff/passes',
      '/staff/stats/day/2026-11-18',
      '/staff/stats/month/2026-11',
      '/staff/stats/year/2026',
      '/staff/policies',
      '/staff/policies/wifi',
      '/staff/accounts',
      '/staff/accounts/carlos',
      '/staff/audit',
      '/staff/password',
      '/staff/workstations',
      '/staff/workstations/kiosk-01',
      '/staff/passes/desk',
      '/staff/settings',
      '/staff/queue',
      '/staff/policies/kiosks',
    ];
    for (const p of paths) {
      await page.goto(`${staffSite.base}${p}`);
      expect([p, await page.getAttribute('html', 'lang'), await page.getAttribute('html', 'dir')]).toEqual([p, lang, lang === 'ar' ? 'rtl' : 'ltr']);
      for (const v of await axeViolations(page)) a11y.push(`${lang} ${p}: ${v}`);
      if (p === '/staff/queue') await page.screenshot({ path: `${shots}/${lang}-queue.png`, fullPage: true });
    }
    // Desk passes: the form with its errors (the browser's own checks set aside), then the sheet.
    await page.goto(`${staffSite.base}/staff/passes/desk`);
    await page.evaluate("document.querySelector('main form.stack').noValidate = true");
    await page.fill('#f-count', '9');
    await page.fill('#f-minutes', '5');
    await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit].primary')]);
    await page.waitForSelector('#f-count-error');
    await look(page, `${lang}-desk-pass-error`);
    await page.fill('#f-count', '2');
    await page.fill('#f-minutes', '30');
    await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit].primary')]);
    expect(await page.locator('.pass-code').count()).toBe(2);
    await look(page, `${lang}-desk-pass-sheet`);
    // Library settings: a walled garden and notice dates that are wrong, then saved as they were.
    await page.goto(`${staffSite.base}/staff/settings`);
    const garden = await page.inputValue('#f-walledGarden');
    await page.fill('#f-walledGarden', '*.example.org\n10.0.0.0/8');
    await page.fill('#f-banner_en', 'Closed on Friday');
    await Promise.all([page.waitForLoadState('load'), page.click('main button[type=submit].primary')]);
    await page.waitForSelector('#f-walledGarden-error');
    await look(page, `${lang}-settings-error`);
    await page.fill('#f-walledGarden', garden);
    await page.fill('#f-banner_en', '');
    await Promise.all([page.waitForURL(/saved=1/), page.click('main button[type=submit].primary')]);
    await page.waitForSelector('.notice.ok');
    await look(page, `${lang}-settings-saved`);
    // A command that needs confirming, and the sign-in page of a browser nobody signed in on.
    await page.goto(`${staffSite.base}/staff/workstations/kiosk-01`);
    await page.selectOption('#cmd-kind', 'restart');
    await page.click('form[action$="/commands"] button.primary');
    await page.waitForSelector('form button.danger');
    await look(page, `${lang}-confirm`);
    const guest = await open(lang, lang);
    await guest.goto(`${staffSite.base}/staff/login`);
    await look(guest, `${lang}-login`);
    expect(a11y).toEqual([]);
  });

  it('when every page has been used, then nothing was requested from another host and no CSP error was raised', () => {
    expect(offHost).toEqual([]);
    expect(consoleErrors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
    expect(a11y).toEqual([]);
  });
});
