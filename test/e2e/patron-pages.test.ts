// The patron's pages in headless Chromium, in every language: the whole flow (probe, splash,
// lessons and quiz, privacy, accept, status, logout) and the refusal pages; axe-core finds no
// accessibility violation; no request leaves the gateway; each page and all it loads is under
// 50 KB; nothing scrolls sideways at 320 px; it all works with JavaScript off. Screenshots at
// 320, 360 and 1280 px go to test-output/screenshots/patron-pages/. The branded welcome page (logo,
// notice, the library's own terms) is weighed the same way in branded-pages.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, screenshotDir } from '../helpers/browser';
import { makeTestApp, type TestContext } from '../helpers/test-deps';
import { ContextRecorder, MAX_PAGE_BYTES, axeViolations, serveApp, sidewaysOverflow, type Served } from '../helpers/page-audit';
import { LANGUAGES, SUPPORTED, type Lang } from '../../src/i18n/languages';
import { translator } from '../../src/i18n/translate';
import { createApp } from '../../src/app';
import { StaffBrowser } from '../helpers/staff';

jest.setTimeout(300_000);

const ZONES = [
  { id: 'wifi', name: 'Wi-Fi', subnets: ['10.1.0.0/16'] },
  { id: 'annexe', name: 'Annexe', subnets: ['10.3.0.0/16'], policy: { openingHours: {} } },
  { id: 'kiosk', name: 'Kiosk', subnets: ['10.4.0.0/16'], policy: { sessionMinutes: 1, dailyMinutes: 1, warningMinutes: 0 } },
  { id: 'study', name: 'Study room', subnets: ['10.5.0.0/16'], policy: { accessMode: 'pass' } },
];
const SHOT_WIDTHS = [320, 360, 1280];

let ctx: TestContext;
let served: Served;
let browser: Browser;
let shots: string;
let clients = 0;
const weights: { lang: Lang; page: string; bytes: number }[] = [];

beforeAll(async () => {
  ctx = await makeTestApp({ config: { zones: ZONES, libraryName: 'Riverside Public Library' } });
  served = await serveApp(ctx.app);
  browser = await launchBrowser();
  shots = screenshotDir('patron-pages');
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await ctx?.close();
  if (shots && weights.length) {
    const lines = weights.map((w) => `${w.lang}\t${w.page}\t${w.bytes}`);
    fs.writeFileSync(path.join(shots, 'page-weights.tsv'), `lang\tpage\tbytes\n${lines.join('\n')}\n`);
  }
});

interface Opened {
  context: BrowserContext;
  page: Page;
  rec: ContextRecorder;
}

/** A fresh browser for one patron: its own address (X-Test-Client) and language. */
async function open(subnet: string, acceptLanguage: string, opts: { js?: boolean; axe?: boolean } = {}): Promise<Opened> {
  clients++;
  const context = await browser.newContext({
    viewport: { width: 360, height: 800 },
    locale: acceptLanguage,
    javaScriptEnabled: opts.js ?? true,
    // Only to inject axe-core: the other contexts keep the strict CSP and report any violation.
    bypassCSP: opts.axe ?? false,
    extraHTTPHeaders: { 'X-Test-Client': `${subnet}.${Math.floor(clients / 250)}.${(clients % 250) + 1}`, 'Accept-Language': acceptLanguage },
  });
  const rec = await ContextRecorder.attach(context);
  return { context, rec, page: await context.newPage() };
}

/** Closes a context after checking that nothing left the gateway and no CSP rule was broken. */
async function close(o: Opened): Promise<void> {
  expect(o.rec.foreign(served.base)).toEqual([]);
  expect(o.rec.fonts).toEqual([]);
  expect(o.rec.cspViolations).toEqual([]);
  await o.context.close();
}

type Visit = (o: Opened, name: string) => Promise<void>;

/** Checks the page is in `lang`, right to left where it should be. */
async function expectLanguage(page: Page, lang: Lang, name: string): Promise<void> {
  const html = page.locator('html');
  expect([name, await html.getAttribute('lang'), await html.getAttribute('dir')]).toEqual([name, lang, LANGUAGES[lang].dir]);
}

/**
 * The patron's flow. With `chosen`, the browser asks for another language and the patron picks
 * theirs in the switcher (no JavaScript needed, no cookie: the choice travels in the links).
 */
async function walk(o: Opened, lang: Lang, visit: Visit, opts: { js: boolean; chosen: boolean }): Promise<void> {
  const { page } = o;
  const q = opts.chosen ? `?lang=${lang}` : '';
  await page.goto(`${served.base}/generate_204`);
  expect(new URL(page.url()).pathname).toBe('/');
  if (opts.chosen) await page.click(`nav.languages a[hreflang="${lang}"]`);
  await visit(o, 'splash');

  await page.click('.learn-promo a');
  await visit(o, 'learn');
  await page.click('a[href^="/learn/public-wifi"]');
  await visit(o, 'lesson');
  await page.check('#q1-2');
  await page.check('#q2-2');
  await page.check('#q3-2');
  await page.click('form.quiz-form button[type="submit"]');
  if (!opts.js) await page.waitForURL(/\/learn\/public-wifi\/check\?/);
  await page.locator('#result').waitFor({ state: 'visible' });
  expect(await page.locator('#result .score').textContent()).toContain('2');
  expect(await page.locator('fieldset.question.wrong').count()).toBe(1);
  await visit(o, opts.js ? 'quiz-checked' : 'quiz-checked-nojs');
  if (opts.js) {
    const stored = JSON.parse((await page.evaluate("localStorage.getItem('threshold-learn')")) as string);
    expect(stored['public-wifi']).toEqual(expect.objectContaining({ seen: true, score: 2, total: 3, answers: [2, 2, 2] }));
  }
  await page.click('.back a');
  if (opts.js) await page.locator('li[data-lesson="public-wifi"] .progress').waitFor({ state: 'visible' });
  await visit(o, 'learn-progress');

  await page.click('.site-footer a[href^="/privacy"]');
  await visit(o, 'privacy');

  // Keyboard only: the skip link comes first, then the accept button is reached and pressed.
  await page.click('.site-header .library a');
  await o.rec.takeLoad(page); // the splash again: weighed already
  await page.keyboard.press('Tab');
  expect(await page.evaluate('document.activeElement.className')).toBe('skip');
  await page.keyboard.press('Enter');
  let tabs = 0;
  while (!(await page.evaluate("document.activeElement.matches('form.accept button')")) && tabs++ < 10) await page.keyboard.press('Tab');
  expect(tabs).toBeLessThan(10);
  await Promise.all([page.waitForURL(/\/status/), page.keyboard.press('Enter')]);
  await visit(o, 'status');

  await page.goto(`${served.base}/no/such/page${q}`);
  await visit(o, 'not-found');
  await page.goto(`${served.base}/status${q}`);
  await o.rec.takeLoad(page);
  await page.click('form[action^="/logout"] button');
  await page.waitForURL(/\/logged-out/);
  await visit(o, 'logged-out');
}

/** The pages that say no: the library closed, a device outside every zone, time used up, a wrong pass. */
async function refusals(lang: Lang, visit: Visit, opts: { axe?: boolean } = {}): Promise<void> {
  const study = await open('10.5', lang, opts);
  await study.page.goto(`${served.base}/`);
  await study.rec.takeLoad(study.page);
  await study.page.fill('#pass-code', 'ABCDE-FGHJK');
  await Promise.all([study.page.waitForLoadState('load'), study.page.click('form.pass button')]);
  await study.page.locator('#pass-error').waitFor();
  await visit(study, 'pass-wrong-code');
  await close(study);

  const closed = await open('10.3', lang, opts);
  await closed.page.goto(`${served.base}/`);
  await visit(closed, 'closed');
  await close(closed);

  const nowhere = await open('192.0', lang, opts);
  await nowhere.page.goto(`${served.base}/`);
  await visit(nowhere, 'no-zone');
  await close(nowhere);

  const kiosk = await open('10.4', lang, opts);
  await kiosk.page.goto(`${served.base}/`);
  await Promise.all([kiosk.page.waitForURL(/\/status/), kiosk.page.click('form.accept button')]);
  ctx.clock.advance(2 * 60_000);
  await ctx.deps.sessions.tick();
  await kiosk.page.goto(`${served.base}/`);
  await kiosk.rec.takeLoad(kiosk.page);
  await Promise.all([kiosk.page.waitForLoadState('load'), kiosk.page.click('form.accept button')]);
  await kiosk.page.locator('h1').waitFor();
  await visit(kiosk, 'exhausted');
  await close(kiosk);
}

describe.each(SUPPORTED as Lang[])('patron pages in %s', (lang) => {
  it('when a patron goes through the portal, then every page is in the language, light, local, and fits 320 px', async () => {
    const inspect: Visit = async ({ page, rec }, name) => {
      await expectLanguage(page, lang, name);
      const load = await rec.takeLoad(page);
      if (load.urls.length) {
        weights.push({ lang, page: name, bytes: load.bytes });
        expect([name, load.bytes < MAX_PAGE_BYTES]).toEqual([name, true]);
      }
      for (const width of SHOT_WIDTHS) {
        await page.setViewportSize({ width, height: 800 });
        expect([name, width, await sidewaysOverflow(page)]).toEqual([name, width, 0]);
        await page.screenshot({ path: path.join(shots, `${lang}-${name}-${width}.png`), fullPage: true });
      }
      await page.setViewportSize({ width: 360, height: 800 });
    };
    const main = await open('10.1', lang);
    await walk(main, lang, inspect, { js: true, chosen: false });
    // Every lesson, not only the one the walk reads, stays under the weight limit.
    for (const id of ctx.deps.learn.ids()) {
      await main.page.goto(`${served.base}/learn/${id}`);
      const load = await main.rec.takeLoad(main.page);
      weights.push({ lang, page: `lesson ${id}`, bytes: load.bytes });
      expect([id, load.bytes < MAX_PAGE_BYTES]).toEqual([id, true]);
    }
    await close(main);
    await refusals(lang, inspect);
  });

  it('when JavaScript is off and the language is picked in the switcher, then the whole flow works in it', async () => {
    const o = await open('10.1', lang === 'en' ? 'ar' : 'en', { js: false });
    const visit: Visit = async ({ page }, name) => {
      await expectLanguage(page, lang, name);
      expect([name, new URL(page.url()).searchParams.get('lang')]).toEqual([name, lang]);
      if (name === 'quiz-checked-nojs') await page.screenshot({ path: path.join(shots, `${lang}-${name}-360.png`), fullPage: true });
    };
    await walk(o, lang, visit, { js: false, chosen: true });
    expect((await o.context.cookies()).map((c) => c.name)).toEqual(['th_csrf']);
    await close(o);
  });

  it('when axe-core checks every patron page, then it finds no violation', async () => {
    const check: Visit = async ({ page }, name) => {
      expect([name, await axeViolations(page)]).toEqual([name, []]);
    };
    const o = await open('10.1', lang, { axe: true });
    await walk(o, lang, check, { js: true, chosen: false });
    await close(o);
    await refusals(lang, check, { axe: true });
  });
});

describe('examples written left to right inside right-to-left pages', () => {
  it('when the Arabic passwords lesson shows P@ssw0rd! as a quiz choice and in the text, then it reads P first and ! last', async () => {
    const o = await open('10.1', 'ar');
    await o.page.goto(`${served.base}/learn/passwords?lang=ar`);
    // Where the first and the last character of each "P@ssw0rd!" on the page are drawn.
    const order = (await o.page.evaluate(`(() => {
      const out = [];
      const walker = document.createTreeWalker(document.querySelector('main'), NodeFilter.SHOW_TEXT);
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const at = n.textContent.indexOf('P@ssw0rd!');
        if (at < 0) continue;
        const left = (i) => { const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1); return r.getBoundingClientRect().left; };
        out.push({ where: n.parentElement.tagName.toLowerCase(), firstLeft: left(at), lastLeft: left(at + 8) });
      }
      return out;
    })()`)) as { where: string; firstLeft: number; lastLeft: number }[];
    expect(order.map((o) => o.where).sort()).toEqual(['code', 'span']);
    for (const o of order) expect([o.where, o.firstLeft < o.lastLeft]).toEqual([o.where, true]);
    await close(o);
  });
});

describe('time given at the desk', () => {
  it('when a patron\'s day is used up, then in the browser the help code is shown, staff give time by it, and the button takes the patron online', async () => {
    const staffApp = createApp(ctx.deps, { surfaces: ['staff'] });
    const kiosk = await open('10.4', 'es');
    await kiosk.page.goto(`${served.base}/`);
    await Promise.all([kiosk.page.waitForURL(/\/status/), kiosk.page.click('form.accept button')]);
    ctx.clock.advance(2 * 60_000);
    await ctx.deps.sessions.tick();
    await kiosk.page.goto(`${served.base}/`);
    await Promise.all([kiosk.page.waitForLoadState('load'), kiosk.page.click('form.accept button')]);
    const code = (await kiosk.page.locator('.code-box .code').textContent())!.trim();
    expect(code).toMatch(/^[2-9A-Z]{3} [2-9A-Z]{3}$/);
    await kiosk.page.screenshot({ path: path.join(shots, 'es-exhausted-help-code-360.png'), fullPage: true });

    // At the desk: the staff console's own form (through its routes, signed in).
    await ctx.deps.staff.accounts.add('test', 'desk', 'staff', 'correct horse battery');
    const desk = new StaffBrowser(staffApp);
    expect((await desk.login('desk')).status).toBe(303);
    expect((await desk.submit('/staff/sessions', '/staff/help-time', { code, minutes: '15' })).status).toBe(303);

    await Promise.all([kiosk.page.waitForURL(/\/status/), kiosk.page.click('form[action^="/help-time"] button')]);
    expect(await kiosk.page.locator('h1').textContent()).toBe(translator('es')('status.title'));
    await close(kiosk);
  });
});
