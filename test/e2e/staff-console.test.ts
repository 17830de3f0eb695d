// The staff console in headless Chromium against Threshold started by main's serve(): first-run
// setup, change the Wi-Fi session length and see a new patron session get it, issue passes
// and redeem one in a pass-required zone; set the library's name, logo, terms, notice and walled
// garden and see them on the welcome page; a staff account added by the real CLI meanwhile.
// Patrons are told apart by the X-Test-Client header (headerClientResolver).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { configSchema } from '../../src/config/schema';
import { headerClientResolver } from '../../src/http/client';
import { createLogger } from '../../src/logger';
import { serve, type Running } from '../../src/main';
import { launchBrowser, screenshotDir } from '../helpers/browser';
import { freePort } from '../helpers/ports';
import { ensureBuilt, ROOT } from '../helpers/server-process';

const PASSWORD = 'a long staff passphrase';
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2 A/AA problems axe-core finds on the page (evaluated outside the page's CSP). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const result = await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(o: object): Promise<{ violations: { id: string; nodes: { target: string[] }[] }[] }> } }).axe.run({
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] },
    }),
  );
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
const shots = screenshotDir('staff-console');

describe('staff console in a browser', () => {
  let running: Running;
  let browser: Browser;
  let dataDir: string;
  let portal: string;
  let staffUrl: string;
  let setupUrl: string;
  const contexts: BrowserContext[] = [];
  const offHost: string[] = [];
  const consoleErrors: string[] = [];
  const a11y: string[] = [];

  /** A screenshot to look at, and an accessibility check of the same page. */
  async function look(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: `${shots}/${name}.png`, fullPage: true });
    for (const v of await axeViolations(page)) a11y.push(`${name}: ${v}`);
  }

  async function open(extraHTTPHeaders?: Record<string, string>): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 }, ...(extraHTTPHeaders ? { extraHTTPHeaders } : {}) });
    contexts.push(ctx);
    const page = await ctx.newPage();
    page.on('request', (r) => {
      if (!r.url().startsWith(portal) && !r.url().startsWith(staffUrl) && !r.url().startsWith('data:')) offHost.push(r.url());
    });
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    return page;
  }

  beforeAll(async () => {
    ensureBuilt(); // the CLI below runs from dist/
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-staff-e2e-'));
    const [port, staffPort] = [await freePort(), await freePort()];
    const config = configSchema.parse({
      port,
      host: '127.0.0.1',
      staffPort,
      dataDir,
      timezone: 'UTC',
      libraryName: 'Riverside Library',
      zones: [
        { id: 'wifi', name: 'Wi-Fi', subnets: ['10.10.0.0/16'], policy: { sessionMinutes: 60, dailyMinutes: 180 } },
        { id: 'study', name: 'Study room', subnets: ['10.99.0.0/16'], policy: { accessMode: 'pass', sessionMinutes: 120, dailyMinutes: 240 } },
      ],
    });
    const printed: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void printed.push(args.join(' ')));
    try {
      running = await serve(config, createLogger('silent'), { resolveClient: headerClientResolver() });
    } finally {
      log.mockRestore();
    }
    portal = `http://127.0.0.1:${port}`;
    staffUrl = `http://127.0.0.1:${staffPort}`;
    setupUrl = /(http:\S+\/staff\/setup\?token=\S+)/.exec(printed.join('\n'))?.[1] ?? '';
    browser = await launchBrowser();
  });

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await browser?.close();
    await running?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when a librarian sets up, changes the Wi-Fi session length and issues passes, then patrons get the new length and a pass works once', async () => {
    // First-run setup with the token Threshold printed at start.
    expect(setupUrl).toContain(staffUrl);
    const staff = await open();
    await staff.goto(setupUrl);
    await look(staff, '01-setup');
    await staff.fill('#f-username', 'head.librarian');
    await staff.fill('#f-password', PASSWORD);
    await staff.fill('#f-password2', PASSWORD);
    await staff.click('button[type=submit].primary');
    await staff.waitForURL(`${staffUrl}/staff`);
    await look(staff, '02-overview');

    // Change the Wi-Fi session length; first a mistake, which keeps what was typed.
    await staff.goto(`${staffUrl}/staff/policies/wifi`);
    await staff.fill('#f-sessionMinutes', 'forty');
    await staff.click('button[type=submit].primary');
    expect(await staff.textContent('#f-sessionMinutes-error')).toContain('whole number of minutes');
    expect(await staff.inputValue('#f-sessionMinutes')).toBe('forty');
    await look(staff, '03-policy-error');
    await staff.fill('#f-sessionMinutes', '40');
    await staff.click('button[type=submit].primary');
    await staff.waitForURL(/\/staff\/policies\?saved=wifi/);
    expect(await staff.textContent('.notice.ok')).toContain('The rules of Wi-Fi were saved');
    await look(staff, '04-policies');

    // A new patron on the Wi-Fi gets 40 minutes.
    const patron = await open({ 'X-Test-Client': '10.10.0.5' });
    await patron.goto(`${portal}/`);
    await patron.click('form.accept button');
    await patron.waitForURL(`${portal}/status`);
    expect(await patron.textContent('#countdown')).toMatch(/^(40 minutes|39:\d\d|40:00)$/);
    const wifiSession = running.deps.sessions.lookup('10.10.0.5')!.record;
    expect(wifiSession.endsAt - wifiSession.startedAt).toBe(40 * 60_000);

    // Issue passes and print them.
    await staff.goto(`${staffUrl}/staff/passes`);
    await staff.fill('#f-count', '6');
    await staff.fill('#f-minutes', '30');
    await staff.click('button[type=submit].primary');
    const codes = await staff.$$eval('.pass-code', (els) => els.map((e) => e.textContent ?? ''));
    expect(codes).toHaveLength(6);
    await look(staff, '05-pass-sheet');
    await staff.emulateMedia({ media: 'print' });
    await staff.screenshot({ path: `${shots}/06-pass-sheet-print.png`, fullPage: true });
    await staff.emulateMedia({ media: 'screen' });
    // The codes also come as a CSV file, downloaded from the page itself (nothing is kept to fetch).
    const [download] = await Promise.all([staff.waitForEvent('download'), staff.click('a[download]')]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    expect(csv.trim().split('\r\n').slice(1).map((l) => l.split(',')[0])).toEqual(codes);

    // In the pass-required zone, a wrong code is refused with the code kept; a right one works once.
    const student = await open({ 'X-Test-Client': '10.99.0.7' });
    await student.goto(`${portal}/`);
    await student.fill('#pass-code', 'WRONG-CODE1');
    await student.click('form.pass button');
    expect(await student.textContent('#pass-error')).toContain('We do not recognise this code');
    expect(await student.inputValue('#pass-code')).toBe('WRONG-CODE1');
    await look(student, '07-splash-wrong-code');
    await student.fill('#pass-code', codes[0]!.toLowerCase());
    await student.click('form.pass button');
    await student.waitForURL(`${portal}/status`);
    const passSession = running.deps.sessions.lookup('10.99.0.7')!.record;
    expect(passSession.via).toBe('pass');
    expect(passSession.endsAt - passSession.startedAt).toBe(30 * 60_000);
    const other = await open({ 'X-Test-Client': '10.99.0.8' });
    await other.goto(`${portal}/`);
    await other.fill('#pass-code', codes[0]!);
    await other.click('form.pass button');
    expect(await other.textContent('#pass-error')).toContain('already been used');

    // Staff see both sessions by code, and today's statistics.
    await staff.goto(`${staffUrl}/staff/sessions`);
    expect(await staff.locator('tbody tr').count()).toBe(2);
    await look(staff, '08-sessions');
    await staff.goto(`${staffUrl}/staff/sessions?code=${passSession.code}`);
    await look(staff, '09-session-found');
    await staff.goto(`${staffUrl}/staff/stats`);
    expect(await staff.locator('svg.chart').count()).toBe(3);
    await look(staff, '10-stats-day');
    await staff.goto(`${staffUrl}/staff/stats/year/${new Date().getUTCFullYear()}`);
    await look(staff, '11-stats-year');
    await staff.goto(`${staffUrl}/staff/audit`);
    await look(staff, '12-audit');
    await staff.goto(`${staffUrl}/staff/passes`);
    await look(staff, '13-passes');
  });

  it('when an admin sets the library name, an SVG logo, terms, a notice and the walled garden in the console, then the welcome page shows them at once', async () => {
    const admin = await open();
    await admin.goto(`${staffUrl}/staff/login`);
    await admin.fill('#f-username', 'head.librarian');
    await admin.fill('#f-password', PASSWORD);
    await Promise.all([admin.waitForURL(`${staffUrl}/staff`), admin.click('button[type=submit].primary')]);
    await admin.click('nav a[href="/staff/settings"]');
    await admin.waitForURL(`${staffUrl}/staff/settings`);
    expect(await admin.inputValue('#f-libraryName')).toBe('Riverside Library');
    const shoot = async (page: Page, name: string) => {
      for (const width of [360, 1280]) {
        await page.setViewportSize({ width, height: 900 });
        await page.screenshot({ path: `${shots}/${name}-${width}.png`, fullPage: true });
      }
      await page.setViewportSize({ width: 1100, height: 900 });
    };
    await shoot(admin, '17-settings');
    await look(admin, '17-settings');

    // A notice that ends before it starts: refused on the form, with what was typed kept.
    const local = (ms: number) => new Date(ms).toISOString().slice(0, 16);
    const now = Date.now();
    await admin.fill('#f-banner_en', 'The library closes at 17:00 today for staff training.');
    await admin.fill('#f-bannerStart', local(now + 3_600_000));
    await admin.fill('#f-bannerEnd', local(now - 3_600_000));
    await admin.click('button[type=submit].primary');
    expect(await admin.textContent('#f-bannerEnd-error')).toContain('must stop showing after it starts');
    expect(await admin.inputValue('#f-banner_en')).toBe('The library closes at 17:00 today for staff training.');
    await look(admin, '18-settings-error');

    await admin.fill('#f-libraryName', 'Riverside Library — Central');
    await admin.setInputFiles('#f-logo', path.join(ROOT, 'test', 'fixtures', 'logos', 'logo.svg'));
    await admin.fill('#f-terms_es', 'Use la red de la biblioteca con respeto.\n\nEl personal puede terminar una sesión que no respete estas condiciones.');
    await admin.fill('#f-banner_ar', 'تغلق المكتبة اليوم الساعة 17:00 لتدريب الموظفين.');
    await admin.fill('#f-bannerStart', local(now - 3_600_000));
    await admin.fill('#f-bannerEnd', local(now + 2 * 3_600_000));
    await admin.fill('#f-walledGarden', 'catalogue.riverside.example\n192.0.2.0/24');
    await Promise.all([admin.waitForURL(`${staffUrl}/staff/settings?saved=1`), admin.click('button[type=submit].primary')]);
    expect(await admin.textContent('.notice.ok')).toContain('saved and in force');
    expect(await admin.evaluate("document.querySelector('img.logo-preview').naturalWidth")).toBeGreaterThan(0);
    await shoot(admin, '19-settings-saved');
    await look(admin, '19-settings-saved');
    expect((running.deps.firewall as unknown as { walledGarden: string[] }).walledGarden).toEqual(['catalogue.riverside.example', '192.0.2.0/24']);

    // Patrons see it at once: in Spanish the library's terms and the English notice; in Arabic its own notice.
    for (const [lang, ip] of [['es', '10.10.0.60'], ['ar', '10.10.0.61']] as const) {
      const patron = await open({ 'X-Test-Client': ip, 'Accept-Language': lang });
      await patron.goto(`${portal}/`);
      expect(await patron.textContent('.site-header .library')).toContain('Riverside Library — Central');
      expect(await patron.evaluate("document.querySelector('.site-header img.logo').naturalWidth")).toBeGreaterThan(0);
      expect(await patron.getAttribute('.site-header img.logo', 'src')).toMatch(/^\/branding\/logo-[0-9a-f]{16}\.svg$/);
      const banner = await patron.textContent('aside.banner');
      if (lang === 'es') {
        expect(banner).toContain('closes at 17:00');
        expect(await patron.getAttribute('aside.banner > div', 'lang')).toBe('en');
        expect(await patron.textContent('.terms')).toContain('Use la red de la biblioteca con respeto.');
      } else {
        expect(banner).toContain('تغلق المكتبة');
        expect(await patron.getAttribute('html', 'dir')).toBe('rtl');
      }
      await shoot(patron, `20-branded-splash-${lang}`);
      await look(patron, `20-branded-splash-${lang}`);
    }
    await admin.goto(`${staffUrl}/staff/audit`);
    expect(await admin.textContent('main')).toContain('settings.update');
  });

  it('when an account is added with the real CLI while the server runs, then it signs in at once and, as staff, is refused the admin pages', async () => {
    const out = await new Promise<string>((resolve, reject) => {
      const child = execFile(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'staff', 'add', 'sam', '--role', 'staff'], { env: { ...process.env, DATA_DIR: dataDir, TZ: 'UTC' } }, (err, stdout, stderr) =>
        err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout),
      );
      child.stdin!.end(`${PASSWORD}\n`);
    });
    expect(out).toContain('Added staff account "sam"');
    const sam = await open();
    await sam.goto(`${staffUrl}/staff/login`);
    await look(sam, '00-login');
    await sam.fill('#f-username', 'sam');
    await sam.fill('#f-password', PASSWORD);
    await sam.click('button[type=submit].primary');
    await sam.waitForURL(`${staffUrl}/staff`);
    expect(await sam.locator('nav a[href="/staff/policies"]').count()).toBe(0);
    const res = await sam.goto(`${staffUrl}/staff/policies`);
    expect(res?.status()).toBe(403);
    await look(sam, '14-staff-forbidden');

    // Sam changes their own password, is signed out, and signs in with the new one.
    await sam.click('a[href="/staff/password"]');
    await look(sam, '15-own-password');
    const next = 'sams own new passphrase';
    await sam.fill('#f-current', PASSWORD);
    await sam.fill('#f-password', next);
    await sam.fill('#f-password2', next);
    await Promise.all([sam.waitForURL(/\/staff\/login\?notice=password-changed/), sam.click('button[type=submit].primary')]);
    expect(await sam.textContent('main')).toContain('Sign in with the new password.');
    await look(sam, '16-password-changed');
    await sam.fill('#f-username', 'sam');
    await sam.fill('#f-password', next);
    await Promise.all([sam.waitForURL(`${staffUrl}/staff`), sam.click('button[type=submit].primary')]);
  });

  it('when every page has been used, then nothing was requested from another host, no CSP error was raised and axe found no WCAG A/AA problem', async () => {
    expect(offHost).toEqual([]);
    expect(a11y).toEqual([]);
    // The checker itself works: an unlabelled field is found.
    const probe = await open();
    await probe.setContent('<!doctype html><html lang="en"><title>t</title><main><input type="text"></main></html>');
    expect((await axeViolations(probe)).join()).toContain('label');
    expect(consoleErrors.filter((e) => !/status of 4\d\d/.test(e))).toEqual([]);
  });
});
