// The staff fleet pages in headless Chromium: screenshots for a person to look at, no CSP
// violation, no serious accessibility problem (axe-core), usable on a narrow screen.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchBrowser, screenshotDir } from '../helpers/browser';
import { addAccount, makeStaffApp, PASSWORD, signedIn, type StaffContext } from '../helpers/staff';
import { makeReport, makeWorkstation } from '../helpers/workstations';

const MIN = 60_000;
const CONFIG = {
  libraryName: 'Riverside Public Library',
  zones: [
    { id: 'kiosks', name: 'Kiosk PCs', subnets: ['10.20.0.0/16'] },
    { id: 'lab', name: 'Computer lab', subnets: ['10.30.0.0/16'] },
  ],
};

describe('fleet pages in a browser', () => {
  let ctx: StaffContext;
  let consoleServer: http.Server;
  /** The cookies of a signed-in staff member, for the browser pages that start signed in. */
  let signedInState: BrowserContextOptions['storageState'];
  let consoleBase: string;
  let browser: Browser;
  let base: string;
  const shots = screenshotDir('fleet');

  beforeAll(async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const now = ctx.clock.now();
    const ws = ctx.deps.store.workstations;
    const seed: [string, string, Partial<ReturnType<typeof makeReport>>, number][] = [
      ['kiosk-01', 'kiosks', {}, 0],
      ['kiosk-02', 'kiosks', { cpuLoadPercent: 96 }, 0],
      ['kiosk-03', 'kiosks', { systemDisk: { freeBytes: 800e6, totalBytes: 120e9 }, agentVersion: '0.0.9' }, 0],
      ['lab-01', 'lab', {}, 0],
      ['lab-02', 'lab', {}, 9 * MIN],
    ];
    for (const [name, zoneId, over, age] of seed) {
      await ws.add(makeWorkstation({ name, zoneId, enrolledAt: now - 3 * 86_400_000 }));
      for (let i = 10; i >= 0; i--) {
        const at = now - age - i * MIN;
        await ws.recordHealth(name, [{ receivedAt: at, report: makeReport({ at, cpuLoadPercent: 10 + i * 3, uptimeSeconds: 90_000, ...over }) }], at);
      }
    }
    await ws.update('kiosk-02', { inUse: true });
    await ws.update('kiosk-03', { lastWipe: { ok: false, at: now - 20 * MIN, reason: 'exit-code' } });
    await ws.update('lab-01', { mode: 'out-of-order' });
    await ctx.deps.workstations.send({ name: 'kiosk-02' }, 'message', 'The library closes in 15 minutes.');
    ctx.clock.advance(1000);
    await ctx.deps.workstations.send({ name: 'kiosk-02' }, 'lock');
    const [lock] = await ws.listCommands('kiosk-02');
    await ws.finishCommand('kiosk-02', lock!.id, { status: 'failed', at: ctx.clock.now(), reason: 'no-hook' });

    consoleServer = http.createServer(ctx.staffApp);
    await new Promise<void>((r) => consoleServer.listen(0, '127.0.0.1', r));
    consoleBase = `http://127.0.0.1:${(consoleServer.address() as AddressInfo).port}/staff`;
    base = consoleBase;
    await addAccount(ctx, 'maria', 'staff');
    // The fleet pages as the console serves them, signed in as staff (sam), cookies and all.
    const sam = await signedIn(ctx, 'sam', 'staff');
    const cookie = (name: string, value: string) => ({ name, value, domain: '127.0.0.1', path: '/staff', expires: -1, httpOnly: true, secure: false, sameSite: 'Strict' as const });
    signedInState = { cookies: [...sam.cookies].map(([name, value]) => cookie(name, value)), origins: [] };
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => consoleServer?.close(r));
    await ctx?.close();
  });

  /** Opens a page, collecting console errors (CSP violations among them) and failed requests. */
  async function open(url: string, width = 1280): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage({ viewport: { width, height: 900 }, ...(url.startsWith(`${consoleBase}/login`) ? {} : { storageState: signedInState }) });
    const problems: string[] = [];
    page.on('console', (m) => void (m.type() === 'error' && problems.push(m.text())));
    page.on('requestfailed', (r) => void problems.push(`failed: ${r.url()}`));
    await page.goto(url);
    return { page, problems };
  }

  /** Serious and critical axe-core findings (CSP is bypassed only to inject axe). */
  async function axe(url: string): Promise<string[]> {
    const context = await browser.newContext({ bypassCSP: true, storageState: signedInState });
    const page = await context.newPage();
    await page.goto(url);
    await page.addScriptTag({ path: require.resolve('axe-core') });
    type AxeResult = { violations: { id: string; impact: string; nodes: unknown[] }[] };
    const result = (await page.evaluate('axe.run()')) as AxeResult;
    await context.close();
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes.length})`);
  }

  test('when staff look at the fleet, then the page shows every workstation, loads only from itself and has no serious accessibility problem', async () => {
    const { page, problems } = await open(`${base}/workstations`);
    await page.screenshot({ path: `${shots}/fleet.png`, fullPage: true });
    expect(await page.locator('table.fleet tbody tr').count()).toBe(5);
    expect(problems).toEqual([]);
    expect(await axe(`${base}/workstations`)).toEqual([]);
    await page.close();
  });

  test('when staff create a code, then it is shown large enough to read out', async () => {
    const { page } = await open(`${base}/workstations`);
    await page.selectOption('#code-zone', 'lab');
    await page.click('text=Create an enrolment code');
    await page.waitForSelector('.enrol-code');
    await page.locator('section[aria-labelledby="enrol"]').screenshot({ path: `${shots}/code.png` });
    expect(await page.locator('.enrol-code').textContent()).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    await page.close();
  });

  test('when staff open a workstation, then its health, commands and retire form are there, also on a phone', async () => {
    const { page, problems } = await open(`${base}/workstations/kiosk-02`);
    await page.screenshot({ path: `${shots}/workstation.png`, fullPage: true });
    await page.locator('section[aria-labelledby="retire"]').screenshot({ path: `${shots}/retire.png` });
    expect(problems).toEqual([]);
    expect(await axe(`${base}/workstations/kiosk-02`)).toEqual([]);
    const phone = await open(`${base}/workstations/kiosk-02`, 375);
    await phone.page.screenshot({ path: `${shots}/workstation-phone.png`, fullPage: true });
    const overflow = await phone.page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.page.close();
    await page.close();
  });

  test('when a form is sent incomplete, then the errors show next to their fields', async () => {
    const { page } = await open(`${base}/workstations/kiosk-01`);
    await page.selectOption('#cmd-kind', 'message');
    await page.click('button:text-is("Send")');
    await page.waitForSelector('#cmd-message-error');
    await page.locator('section[aria-labelledby="send"]').screenshot({ path: `${shots}/form-error.png` });
    await page.close();
  });

  test('when staff sign in to the console, then the fleet is one of its pages, in its layout', async () => {
    const { page, problems } = await open(`${consoleBase}/login`);
    await page.fill('input[name="username"]', 'maria');
    await page.fill('input[name="password"]', PASSWORD);
    await page.click('button[type="submit"]');
    await page.click('nav >> text=Workstations');
    await page.waitForSelector('table.fleet');
    await page.screenshot({ path: `${shots}/console-fleet.png`, fullPage: true });
    expect(await page.locator('nav a[aria-current="page"]').textContent()).toBe('Workstations');
    expect(problems).toEqual([]);
    await page.close();
  });
});
