// The welcome page as a library brands it from the console's Library settings page, at the
// limits that page allows: the largest logo (20 KB PNG), the longest terms of use and notice, in
// every language (Arabic right to left). Weighed whole in Chromium under the patron pages' 50 KB
// budget, with the strict CSP unbroken, nothing from another host, axe-core clean, and nothing
// scrolling sideways; screenshots at 360 and 1280 px in test-output/screenshots/patron-pages/.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { Browser } from 'playwright-core';
import { launchBrowser, screenshotDir } from '../helpers/browser';
import { makeTestApp, type TestContext } from '../helpers/test-deps';
import { ContextRecorder, MAX_PAGE_BYTES, axeViolations, serveApp, sidewaysOverflow, type Served } from '../helpers/page-audit';
import { LANGUAGES, SUPPORTED, type Lang } from '../../src/i18n/languages';
import { translator } from '../../src/i18n/translate';
import { createApp } from '../../src/app';
import { StaffBrowser } from '../helpers/staff';
import { MAX_BANNER_CHARS, MAX_LOGO_BYTES, MAX_TERMS_BYTES } from '../../src/branding/settings-form';

jest.setTimeout(120_000);

const ZONES = [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.1.0.0/16'] }];
let browser: Browser;
let shots: string;
let branded: TestContext;
let site: Served;
const weights: { lang: Lang; page: string; bytes: number }[] = [];

describe('a branded welcome page: the largest logo, terms and notice the settings page takes, in every language', () => {

  /** A PNG of `side` × `side` noise, stored uncompressed: its size is known in advance. */
  function noisePng(side: number): Buffer {
    const chunk = (type: string, data: Buffer) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type), data])));
      return Buffer.concat([len, Buffer.from(type), data, crc]);
    };
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(side, 0);
    ihdr.writeUInt32BE(side, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    const raw = Buffer.alloc((side * 3 + 1) * side);
    for (let i = 0; i < raw.length; i++) raw[i] = i % (side * 3 + 1) === 0 ? 0 : (i * 2654435761) >>> 24;
    return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw, { level: 0 })), chunk('IEND', Buffer.alloc(0))]);
  }

  beforeAll(async () => {
    browser = await launchBrowser();
    shots = screenshotDir('patron-pages');
    branded = await makeTestApp({ config: { zones: ZONES, libraryName: 'Riverside Public Library' } });
    site = await serveApp(branded.app);
    const logo = noisePng(80);
    expect(logo.length).toBeGreaterThan(MAX_LOGO_BYTES - 1500);
    expect(logo.length).toBeLessThanOrEqual(MAX_LOGO_BYTES);
    // The longest texts the form takes: terms of MAX_TERMS_BYTES as sent, a notice of MAX_BANNER_CHARS.
    const para = { en: 'Use the network kindly. ', es: 'Use la red con respeto. ', fr: 'Utilisez le réseau avec égards. ', ar: 'استخدم الشبكة باحترام. ' } as Record<Lang, string>;
    const longest = (s: string, limit: number) => {
      let out = '';
      while (Buffer.byteLength(out + s) <= limit) out += s;
      return out.trim();
    };
    const fields: Record<string, string> = { libraryName: 'Riverside Public Library — Biblioteca — المكتبة', defaultLang: 'en', bannerStart: '2026-11-18T09:00', bannerEnd: '2026-11-18T18:00', walledGarden: '', removeLogo: '' };
    for (const l of SUPPORTED) {
      fields[`terms_${l}`] = longest(`${para[l]}\n\n`.repeat(1), MAX_TERMS_BYTES);
      fields[`banner_${l}`] = [...longest(para[l], MAX_BANNER_CHARS * 4)].slice(0, MAX_BANNER_CHARS).join('').trim();
    }
    await branded.deps.staff.accounts.add('test', 'ada', 'admin', 'correct horse battery');
    const admin = new StaffBrowser(createApp(branded.deps, { surfaces: ['staff'] }));
    expect((await admin.login('ada')).status).toBe(303);
    const saved = await admin.upload('/staff/settings', '/staff/settings', fields, { field: 'logo', name: 'logo.png', data: logo, type: 'image/png' });
    expect([saved.status, /field-error"[^>]*>([^<]*)/.exec(saved.text)?.[1]]).toEqual([303, undefined]);
  });

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await branded?.close();
    if (weights.length) fs.writeFileSync(path.join(shots, 'branded-page-weights.tsv'), `lang\tpage\tbytes\n${weights.map((w) => `${w.lang}\t${w.page}\t${w.bytes}`).join('\n')}\n`);
  });

  it.each(SUPPORTED as Lang[])('when a patron opens it in %s, then logo, notice and terms show, in the language and direction, under 50 KB, with no CSP breach, and axe finds nothing', async (lang) => {
    for (const axe of [false, true]) {
      const context = await browser.newContext({ viewport: { width: 360, height: 800 }, locale: lang, bypassCSP: axe, extraHTTPHeaders: { 'X-Test-Client': '10.1.200.1', 'Accept-Language': lang } });
      const rec = await ContextRecorder.attach(context);
      const page = await context.newPage();
      await page.goto(`${site.base}/`);
      const load = await rec.takeLoad(page);
      expect(await page.locator('html').getAttribute('dir')).toBe(LANGUAGES[lang].dir);
      expect(await page.evaluate("document.querySelector('.site-header img.logo').naturalWidth")).toBe(80);
      expect(await page.locator('aside.banner').getAttribute('aria-label')).toBe(translator(lang)('site.notice'));
      expect(await page.locator('.terms').textContent()).toContain({ en: 'kindly', es: 'respeto', fr: 'égards', ar: 'باحترام' }[lang]);
      if (axe) {
        expect(await axeViolations(page)).toEqual([]);
      } else {
        expect(load.urls.some((u) => /\/branding\/logo-[0-9a-f]{16}\.png$/.test(u))).toBe(true);
        weights.push({ lang, page: 'branded splash', bytes: load.bytes });
        expect(load.bytes).toBeLessThan(MAX_PAGE_BYTES);
        expect(rec.foreign(site.base)).toEqual([]);
        expect(rec.cspViolations).toEqual([]);
        for (const width of [360, 1280]) {
          await page.setViewportSize({ width, height: 800 });
          expect(await sidewaysOverflow(page)).toBe(0);
          await page.screenshot({ path: path.join(shots, `${lang}-branded-splash-${width}.png`), fullPage: false });
        }
      }
      await context.close();
    }
  });
});
