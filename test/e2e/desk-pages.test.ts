// The library desk's pages in headless Chromium, at 360 and 1280 px: the time-up page with its
// help code and the desk pass form (four languages), the Sessions page's help-time form, the
// clients view (fleet minutes left, a PC's add-time form), a labelled pass sheet, the own-password
// page, and the desk pass page and sheet. Each page: no axe-core violation (WCAG 2.0/2.1 A and AA,
// best practices), nothing scrolls sideways, no CSP error, no request off the gateway.
// Screenshots go to test-output/screenshots/desk/.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { createApp } from '../../src/app';
import { SUPPORTED, type Lang } from '../../src/i18n/languages';
import { translator } from '../../src/i18n/translate';
import { AGENT_API_BASE } from '../../src/workstations/protocol';
import { launchBrowser, screenshotDir } from '../helpers/browser';
import { AXE_PATH, serveApp, sidewaysOverflow, type Served } from '../helpers/page-audit';
import { addAccount, makeStaffApp, StaffBrowser, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';

jest.setTimeout(300_000);

const CONFIG = {
  libraryName: 'Riverside Public Library',
  wifiName: 'Riverside-Free',
  zones: [
    { id: 'wifi', name: 'Wi-Fi', subnets: ['10.1.0.0/16'], policy: { sessionMinutes: 60, dailyMinutes: 60 } },
    { id: 'study', name: 'Study room', subnets: ['10.5.0.0/16'], policy: { accessMode: 'pass', sessionMinutes: 120, dailyMinutes: 240 } },
    { id: 'pcs', name: 'Public PCs', subnets: ['10.20.0.0/16'], kind: 'kiosk', policy: { sessionMinutes: 30, dailyMinutes: 120 } },
  ],
};
const WIDTHS = [360, 1280];
const AXE = fs.readFileSync(AXE_PATH, 'utf8');

let ctx: StaffContext;
let portal: Served;
let staffSite: Served;
let browser: Browser;
const shots = screenshotDir('desk');
const contexts: BrowserContext[] = [];
/** Every problem found on any page: axe violations, sideways scrolling, console errors, foreign requests. */
const problems: string[] = [];

beforeAll(async () => {
  ctx = await makeStaffApp({ config: CONFIG });
  portal = await serveApp(ctx.app);
  staffSite = await serveApp(ctx.staffApp);
  await addAccount(ctx, 'sam', 'staff');
  browser = await launchBrowser();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await staffSite?.close();
  await portal?.close();
  await ctx?.close();
});

/** The cookies of a fresh staff sign-in (the test clock moves past a console session's life). */
async function staffState(): Promise<BrowserContextOptions['storageState']> {
  const sam = new StaffBrowser(ctx.staffApp);
  expect((await sam.login('sam')).status).toBe(303);
  const cookie = (name: string, value: string) => ({ name, value, domain: '127.0.0.1', path: '/staff', expires: -1, httpOnly: true, secure: false, sameSite: 'Strict' as const });
  return { cookies: [...sam.cookies].map(([name, value]) => cookie(name, value)), origins: [] };
}

/** A browser: a patron's (its address and language) or a signed-in staff member's. */
async function open(who: { ip: string; lang: Lang } | 'staff'): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    ...(who === 'staff' ? { storageState: await staffState() } : { locale: who.lang, extraHTTPHeaders: { 'X-Test-Client': who.ip, 'Accept-Language': who.lang } }),
  });
  contexts.push(context);
  const page = await context.newPage();
  page.on('console', (m) => void (m.type() === 'error' && !/status of 4\d\d/.test(m.text()) && problems.push(`console: ${m.text()}`)));
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(`${portal.base}/`) && !u.startsWith(`${staffSite.base}/`) && !u.startsWith('data:')) problems.push(`off the gateway: ${u}`);
  });
  return page;
}

/** axe-core's findings on the page as it is (evaluated by the driver, so the page's CSP stays on). */
async function axe(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const found = (await page.evaluate(`(async () => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', '));
  })()`)) as string[];
  return found;
}

/** The innermost elements that reach past the viewport's right edge, to say what to fix. */
function widest(page: Page): Promise<string> {
  return page.evaluate(`(() => {
    const edge = document.documentElement.clientWidth + 1;
    const clipped = (e) => { for (let a = e.parentElement; a; a = a.parentElement) if (/auto|scroll|hidden/.test(getComputedStyle(a).overflowX) && a !== document.body && a !== document.documentElement) return true; return false; };
    const past = (e) => e.getBoundingClientRect().right > edge && !clipped(e);
    return [...document.querySelectorAll('body *')].filter((e) => past(e) && ![...e.children].some(past))
      .slice(0, 4).map((e) => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '') + ' ' + Math.round(e.getBoundingClientRect().right) + 'px').join(', ');
  })()`) as Promise<string>;
}

/** Screenshots at each width, with the axe and overflow checks at each. */
async function look(page: Page, name: string): Promise<void> {
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(shots, `${name}-${width}.png`), fullPage: true });
    const overflow = await sidewaysOverflow(page);
    if (overflow > 0) problems.push(`${name} at ${width} px scrolls sideways by ${overflow} px: ${await widest(page)}`);
    for (const v of await axe(page)) problems.push(`${name} at ${width} px: ${v}`);
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

describe('the desk pages in a browser', () => {
  const patrons = new Map<Lang, Page>();

  it('when a patron\'s day is used up, then the time-up page shows the help code and a desk pass form, in each language', async () => {
    for (const [i, lang] of SUPPORTED.entries()) {
      const page = await open({ ip: `10.1.0.${10 + i}`, lang });
      await page.goto(`${portal.base}/`);
      await Promise.all([page.waitForURL(/\/status/), page.click('form.accept button')]);
      patrons.set(lang, page);
    }
    ctx.clock.advance(61 * 60_000);
    await ctx.deps.sessions.tick();
    for (const lang of SUPPORTED) {
      const page = patrons.get(lang)!;
      const t = translator(lang);
      await page.goto(`${portal.base}/`);
      // The splash of a click-through zone has the desk pass form too, folded away.
      await page.click('details.desk-pass summary');
      await look(page, `${lang}-splash-desk-pass`);
      await Promise.all([page.waitForLoadState('load'), page.click('form.accept button')]);
      expect(await page.locator('h1').textContent()).toBe(t('exhausted.title'));
      expect((await page.locator('.code-box .code').textContent())!.trim()).toMatch(/^[2-9A-Z]{3} [2-9A-Z]{3}$/);
      await look(page, `${lang}-time-up-help-code`);
      // A mistyped desk pass: the message in the patron's language, the form open, the code kept.
      await page.click('details.desk-pass summary');
      await page.fill('#desk-code', 'ABCD-EFG');
      await Promise.all([page.waitForLoadState('load'), page.click('form.desk-pass-form button')]);
      expect(await page.locator('#desk-error').textContent()).toBe(t('deskPass.unknown'));
      expect(await page.inputValue('#desk-code')).toBe('ABCD-EFG');
      await look(page, `${lang}-time-up-desk-pass-error`);
    }
  });

  it('when staff give time by a help code on the Sessions page, then the page says what the patron does next', async () => {
    const patron = patrons.get('fr')!;
    await patron.goto(`${portal.base}/`);
    await Promise.all([patron.waitForLoadState('load'), patron.click('form.accept button')]);
    const code = (await patron.locator('.code-box .code').textContent())!.trim();
    const staff = await open('staff');
    await staff.goto(`${staffSite.base}/staff/sessions`);
    await look(staff, 'staff-help-time');
    await staff.fill('#help-code', code);
    await staff.selectOption('#help-minutes', '30');
    await Promise.all([staff.waitForURL(/notice=given/), staff.click('form[action="/staff/help-time"] button')]);
    expect(await staff.locator('main').textContent()).toContain('The time is waiting for the patron');
    await look(staff, 'staff-help-time-given');
    await Promise.all([patron.waitForURL(/\/status/), patron.click('form[action^="/help-time"] button')]);
  });

  it('when staff print a desk pass, then the sheet has the code and the how-to in four languages, and it takes a used-up patron online', async () => {
    const staff = await open('staff');
    await staff.goto(`${staffSite.base}/staff/passes/desk`);
    await look(staff, 'staff-desk-pass');
    // The browser stops 90 itself (min and max on the field); without them, the server says why.
    await staff.evaluate("document.querySelector('#f-minutes').removeAttribute('max')");
    await staff.fill('#f-minutes', '90');
    await Promise.all([staff.waitForLoadState('load'), staff.click('button[type=submit].primary')]);
    expect(await staff.locator('#f-minutes-error').textContent()).toContain('from 15 to 60');
    await look(staff, 'staff-desk-pass-error');
    await staff.fill('#f-minutes', '45');
    await staff.fill('#f-count', '3');
    await Promise.all([staff.waitForLoadState('load'), staff.click('button[type=submit].primary')]);
    const codes = await staff.$$eval('.pass-code', (els) => els.map((e) => e.textContent ?? ''));
    expect(codes).toHaveLength(3);
    for (const c of codes) expect(c).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(await staff.locator('.pass').first().locator('.pass-how').evaluateAll((els) => els.map((e) => e.getAttribute('lang')))).toEqual([...SUPPORTED]);
    await look(staff, 'staff-desk-pass-sheet');
    await staff.emulateMedia({ media: 'print' });
    await staff.screenshot({ path: path.join(shots, 'staff-desk-pass-sheet-print.png'), fullPage: true });
    await staff.emulateMedia({ media: 'screen' });

    const patron = patrons.get('ar')!;
    await patron.goto(`${portal.base}/`);
    await Promise.all([patron.waitForLoadState('load'), patron.click('form.accept button')]);
    await patron.click('details.desk-pass summary');
    await patron.fill('#desk-code', codes[0]!.toLowerCase());
    await Promise.all([patron.waitForURL(/\/status/), patron.click('form.desk-pass-form button')]);
    const session = ctx.deps.sessions.lookup('10.1.0.13')!;
    expect(ctx.deps.sessions.secondsLeft(session)).toBe(45 * 60);
  });

  it('when staff print a labelled batch, then the sheet and each card carry the label and the how-to in four languages', async () => {
    const staff = await open('staff');
    await staff.goto(`${staffSite.base}/staff/passes`);
    await staff.fill('#f-count', '4');
    await staff.fill('#f-minutes', '60');
    await staff.fill('#f-label', 'Job club, Tuesday');
    await Promise.all([staff.waitForLoadState('load'), staff.click('button[type=submit].primary')]);
    expect(await staff.locator('h1').textContent()).toBe('Print these passes now: Job club, Tuesday');
    expect(await staff.locator('.pass-batch').allTextContents()).toEqual(Array(4).fill('Job club, Tuesday'));
    expect(await staff.locator('.pass').first().locator('.pass-how').evaluateAll((els) => els.map((e) => e.getAttribute('lang')))).toEqual([...SUPPORTED]);
    await look(staff, 'staff-pass-sheet-label');
    await staff.goto(`${staffSite.base}/staff/passes`);
    await look(staff, 'staff-passes');
  });

  it('when a PC has a kiosk session, then the clients view shows its minutes left and its page adds time', async () => {
    const agentApp = createApp(ctx.deps, { surfaces: ['portal', 'agent'] });
    const { code } = await ctx.deps.workstations.createCode({ zoneId: 'pcs' });
    const enrolled = await request(agentApp).post(`${AGENT_API_BASE}/enrol`).set('X-Test-Client', '10.20.0.5').send({ code, name: 'pc-1' });
    const { token } = enrolled.body as { token: string };
    await new Patron(ctx.app, '10.20.0.5').accept();
    await request(agentApp).get(`${AGENT_API_BASE}/session`).set('X-Test-Client', '10.20.0.5').set('Authorization', `Bearer ${token}`);
    const staff = await open('staff');
    await staff.goto(`${staffSite.base}/staff/workstations`);
    expect(await staff.locator('table.fleet tbody').textContent()).toContain('30 min');
    await look(staff, 'staff-clients-view');
    await staff.goto(`${staffSite.base}/staff/workstations/pc-1`);
    await look(staff, 'staff-pc-add-time');
    await staff.selectOption('select[name="minutes"]', '15');
    await Promise.all([staff.waitForURL(/notice=extended/), staff.click('form[action$="/add-time"] button')]);
    expect(await staff.locator('main').textContent()).toContain('45 min');
    await look(staff, 'staff-pc-time-added');
  });

  it('when staff open their own password page, then it is readable at both widths', async () => {
    const staff = await open('staff');
    await staff.goto(`${staffSite.base}/staff/password`);
    await look(staff, 'staff-own-password');
  });

  it('when every page has been looked at, then axe found nothing, nothing scrolled sideways and nothing left the gateway', async () => {
    expect(problems).toEqual([]);
    // The checker itself works: an unlabelled field is found.
    const probe = await open('staff');
    await probe.setContent('<!doctype html><html lang="en"><title>t</title><main><input type="text"></main></html>');
    expect((await axe(probe)).join()).toContain('label');
  });
});
