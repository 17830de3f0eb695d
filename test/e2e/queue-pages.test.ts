// The kiosk queue's pages in headless Chromium: the ticket page (take, wait, called, leave) and the
// "now serving" display in every patron language, with and without JavaScript, a held PC's claim
// screen, and the staff queue page; axe-core finds no violation, each page and all it loads is
// under 50 KB, nothing is fetched from another host, no CSP rule is broken, nothing scrolls
// sideways at 320 px.
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { createApp } from '../../src/app';
import { LANGUAGES, SUPPORTED, type Lang } from '../../src/i18n/languages';
import { translator } from '../../src/i18n/translate';
import { launchBrowser, screenshotDir } from '../helpers/browser';
import { ContextRecorder, axeViolations, serveApp, sidewaysOverflow, type Served } from '../helpers/page-audit';
import { makeTestApp, type TestContext } from '../helpers/test-deps';
import { makeWorkstation } from '../helpers/workstations';

jest.setTimeout(300_000);
const MAX_PAGE_BYTES = 50 * 1024;
const ZONES = [
  { id: 'wifi', name: 'Wi-Fi', subnets: ['10.1.0.0/16'] },
  { id: 'kiosk', name: 'Kiosk PCs', kind: 'kiosk', subnets: ['10.4.0.0/16'] },
];

let ctx: TestContext;
let served: Served;
let staffServed: Served;
let browser: Browser;
let shots: string;
let clients = 0;

beforeAll(async () => {
  ctx = await makeTestApp({ config: { zones: ZONES, libraryName: 'Riverside Public Library' } });
  served = await serveApp(ctx.app);
  staffServed = await serveApp(createApp(ctx.deps, { surfaces: ['staff'] }));
  browser = await launchBrowser();
  shots = screenshotDir('queue-pages');
  // One PC whose agent has not asked yet: tickets wait until staff send one to it.
  await ctx.deps.store.workstations.add(makeWorkstation({ name: 'pc-1', zoneId: 'kiosk' }));
});

afterAll(async () => {
  await browser?.close();
  await served?.close();
  await staffServed?.close();
  await ctx?.close();
});

interface Opened { context: BrowserContext; page: Page; rec: ContextRecorder }

async function open(lang: string, opts: { js?: boolean; axe?: boolean } = {}): Promise<Opened> {
  clients++;
  const context = await browser.newContext({
    viewport: { width: 360, height: 800 },
    locale: lang,
    javaScriptEnabled: opts.js ?? true,
    bypassCSP: opts.axe ?? false,
    extraHTTPHeaders: { 'X-Test-Client': `10.1.7.${clients}`, 'Accept-Language': lang },
  });
  const rec = await ContextRecorder.attach(context);
  return { context, rec, page: await context.newPage() };
}

async function close(o: Opened, base = served.base): Promise<void> {
  expect(o.rec.foreign(base)).toEqual([]);
  expect(o.rec.fonts).toEqual([]);
  expect(o.rec.cspViolations).toEqual([]);
  await o.context.close();
}

type Visit = (o: Opened, name: string) => Promise<void>;

/** Takes a ticket and follows it: waiting, then sent to pc-1 by staff; returns its number. */
async function ticketFlow(o: Opened, lang: Lang, visit: Visit, opts: { js: boolean }): Promise<void> {
  const t = translator(lang);
  const { page } = o;
  await page.goto(`${served.base}/`);
  await page.click('.queue-link a');
  await page.waitForURL(/\/queue\/kiosk/);
  await visit(o, 'take');
  await Promise.all([page.waitForURL(/\/queue\/kiosk\/t\//), page.click('form.accept button')]);
  await visit(o, 'ticket-waiting');
  const label = (await page.locator('.code-box .big').textContent())!.trim();
  expect(await page.locator('#ticket-state').textContent()).toContain(t('queue.expectedUnknown'));
  // Staff send it to pc-1 (as the queue page does): the page says where to go.
  await ctx.deps.queue.moveTo('kiosk', Number(label.slice(2)), 'pc-1');
  if (opts.js && lang === 'en') {
    // By itself, within its 15-second poll.
    await page.locator('#ticket-state', { hasText: t('queue.calledHelp') }).waitFor({ timeout: 25_000 });
  } else {
    await page.click('#ticket-update');
    await page.locator('#ticket-state', { hasText: t('queue.calledHelp') }).waitFor();
  }
  await visit(o, 'ticket-called');
  await Promise.all([page.waitForLoadState('load'), page.click('form.actions button')]);
  await visit(o, 'left');
  await page.goBack();
  await page.reload();
  await visit(o, 'ticket-gone');
}

describe.each(SUPPORTED as Lang[])('queue pages in %s', (lang) => {
  const inspect = (js: boolean): Visit => async ({ page, rec }, name) => {
    expect([name, await page.locator('html').getAttribute('lang'), await page.locator('html').getAttribute('dir')]).toEqual([name, lang, LANGUAGES[lang].dir]);
    const load = await rec.takeLoad(page);
    if (load.urls.length) expect([name, load.bytes, load.bytes < MAX_PAGE_BYTES]).toEqual([name, load.bytes, true]);
    for (const width of [320, 1280]) {
      await page.setViewportSize({ width, height: 800 });
      expect([name, width, await sidewaysOverflow(page)]).toEqual([name, width, 0]);
      await page.screenshot({ path: path.join(shots, `${lang}-${name}-${js ? 'js' : 'nojs'}-${width}.png`), fullPage: true });
    }
    await page.setViewportSize({ width: 360, height: 800 });
  };

  it('when a patron takes a ticket with JavaScript, then the pages are in the language, light and local, and the page follows the ticket', async () => {
    const o = await open(lang);
    await ticketFlow(o, lang, inspect(true), { js: true });
    await close(o);
  });

  it('when JavaScript is off, then the Update link follows the ticket', async () => {
    const o = await open(lang, { js: false });
    await ticketFlow(o, lang, inspect(false), { js: false });
    await close(o);
  });

  it('when the display is opened with its language chosen, or with none, then it shows the called ticket in large type, light and local', async () => {
    const held = await ctx.deps.queue.take('kiosk');
    if (!held.ok) throw new Error('no ticket');
    await ctx.deps.queue.moveTo('kiosk', Number(held.label.slice(2)), 'pc-1');
    for (const js of [true, false]) {
      const o = await open(lang, { js });
      await o.page.goto(`${served.base}/display/kiosk?lang=${lang}`);
      await inspect(js)(o, 'display');
      expect(await o.page.locator('td.ticket').first().textContent()).toBe(held.label);
      expect(await o.page.locator('h1').textContent()).toContain(translator(lang)('display.title'));
      await close(o);
    }
    await ctx.deps.queue.cancel('kiosk', Number(held.label.slice(2)));
  });

  it('when axe-core checks the ticket pages and the display, then it finds no violation', async () => {
    const check: Visit = async ({ page }, name) => {
      expect([name, await axeViolations(page)]).toEqual([name, []]);
    };
    const o = await open(lang, { axe: true });
    await ticketFlow(o, lang, check, { js: false });
    await o.page.goto(`${served.base}/display/kiosk?lang=${lang}`);
    await check(o, 'display');
    await close(o);
  });
});

describe.each(SUPPORTED as Lang[])('a held PC\'s screen in %s', (lang) => {
  it('when the PC is held for a ticket, then its page asks for the claim code, a wrong one is refused with a message, the right one starts the session; axe finds nothing', async () => {
    const t = translator(lang);
    const ticket = await ctx.deps.queue.take('kiosk');
    if (!ticket.ok) throw new Error('no ticket');
    const ip = `10.4.9.${SUPPORTED.indexOf(lang) + 1}`;
    const pc = `pc-held-${lang}`;
    await ctx.deps.store.workstations.add(makeWorkstation({ name: pc, zoneId: 'kiosk' }));
    ctx.deps.pcs.note({ name: pc, zoneId: 'kiosk' }, ip);
    await ctx.deps.queue.moveTo('kiosk', Number(ticket.label.slice(2)), pc);
    for (const js of [true, false]) {
      const context = await browser.newContext({ locale: lang, javaScriptEnabled: js, bypassCSP: js, viewport: { width: 360, height: 800 }, extraHTTPHeaders: { 'X-Test-Client': ip, 'Accept-Language': lang } });
      const rec = await ContextRecorder.attach(context);
      const o = { context, rec, page: await context.newPage() };
      await o.page.goto(`${served.base}/`);
      expect(await o.page.locator('h1').textContent()).toBe(t('held.title', { ticket: ticket.label }));
      expect((await rec.takeLoad(o.page)).bytes).toBeLessThan(MAX_PAGE_BYTES);
      if (js) expect(await axeViolations(o.page)).toEqual([]);
      await o.page.fill('#claim-code', 'ZZZ ZZZ');
      await Promise.all([o.page.waitForLoadState('load'), o.page.click('form.pass button')]);
      expect(await o.page.locator('#claim-error').textContent()).toBe(t('held.wrong', { ticket: ticket.label }));
      if (js) expect(await axeViolations(o.page)).toEqual([]);
      await o.page.screenshot({ path: path.join(shots, `${lang}-held-wrong-${js ? 'js' : 'nojs'}-360.png`), fullPage: true });
      if (!js) {
        await o.page.fill('#claim-code', ticket.claimCode.toLowerCase());
        await Promise.all([o.page.waitForURL(/\/status/), o.page.click('form.pass button')]);
        expect(await o.page.locator('html').getAttribute('lang')).toBe(lang);
      }
      await close(o);
    }
  });
});

describe('the display without a chosen language', () => {
  it('when JavaScript runs, then one language shows at a time in turn; without it all four show, and axe finds no violation', async () => {
    const o = await open('en', { axe: true });
    await o.page.goto(`${served.base}/display/kiosk`);
    expect(await o.page.locator('section.board').count()).toBe(4);
    expect(await o.page.locator('section.board:visible').count()).toBe(1);
    const first = await o.page.locator('html').getAttribute('lang');
    await o.page.waitForFunction(`document.documentElement.lang !== ${JSON.stringify(first)}`, undefined, { timeout: 10_000 });
    expect(await axeViolations(o.page)).toEqual([]);
    await close(o);
    const nojs = await open('en', { js: false });
    await nojs.page.goto(`${served.base}/display/kiosk`);
    expect(await nojs.page.locator('section.board:visible').count()).toBe(4);
    const load = await nojs.rec.takeLoad(nojs.page);
    expect(load.bytes).toBeLessThan(MAX_PAGE_BYTES);
    await close(nojs);
  });
});

describe('the staff queue page', () => {
  it('when staff open it, with JavaScript or without, then axe finds no violation, it is light and local', async () => {
    await ctx.deps.staff.accounts.add('test', 'desk', 'staff', 'correct horse battery');
    await ctx.deps.queue.take('kiosk');
    for (const js of [true, false]) {
      const o = await open('en', { js, axe: js });
      await o.page.goto(`${staffServed.base}/staff/login`);
      await o.page.fill('#f-username', 'desk');
      await o.page.fill('#f-password', 'correct horse battery');
      await Promise.all([o.page.waitForURL(/\/staff$/), o.page.click('form button[type="submit"]')]);
      await o.rec.takeLoad(o.page);
      await o.page.goto(`${staffServed.base}/staff/queue`);
      const load = await o.rec.takeLoad(o.page);
      expect(load.bytes).toBeLessThan(MAX_PAGE_BYTES);
      expect(await o.page.locator('h1').textContent()).toBe('Queue');
      // axe-core is a script: it runs where JavaScript does.
      if (js) expect(await axeViolations(o.page)).toEqual([]);
      await Promise.all([o.page.waitForLoadState('load'), o.page.click('form[action$="/print"] button')]);
      expect(await o.page.locator('.pass-code').textContent()).toMatch(/^K-\d+$/);
      if (js) expect(await axeViolations(o.page)).toEqual([]);
      await close(o, staffServed.base);
    }
  });
});
