// Library settings from the console (admins only): name, logo, terms per language, a dated notice
// and the walled garden, in force at once on the patron pages, on every gateway sharing Redis, and
// audited by what changed. Every bad input gets a 4xx and the form again, never a 500.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { createApp } from '../../src/app';
import { settingsToForm } from '../../src/branding/settings-form';
import { NoopFirewall } from '../../src/firewall/noop';
import { translator } from '../../src/i18n/translate';
import { auditInEnglish, makeStaffApp, signedIn, type StaffBrowser, type StaffContext } from '../helpers/staff';
import { makeTestApp, Patron } from '../helpers/test-deps';

const LOGOS = path.join(__dirname, '../fixtures/logos');
const PNG = fs.readFileSync(path.join(LOGOS, 'logo-96x96.png'));
const SVG = fs.readFileSync(path.join(LOGOS, 'logo.svg'));
const CONFIG = { libraryName: 'Config Library', walledGarden: ['catalogue.library.example'], zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.1.0.0/16'] }] };

/** The form as it shows now, with some fields changed. */
function form(ctx: StaffContext, over: Record<string, string> = {}): Record<string, string> {
  const base = settingsToForm(ctx.deps.library.peek(), { libraryName: ctx.deps.config.libraryName, walledGarden: ctx.deps.config.walledGarden }, ctx.deps.config.timezone);
  return { ...base, ...over };
}

const save = (admin: StaffBrowser, fields: Record<string, string>, file?: { name: string; data: Buffer; type?: string }) =>
  admin.upload('/staff/settings', '/staff/settings', fields, file ? { field: 'logo', ...file } : undefined);

const splash = (ctx: StaffContext, lang: string) => new Patron(ctx.app, '10.1.0.9').get(`/?lang=${lang}`);

describe('library settings', () => {
  let ctx: StaffContext;
  afterEach(() => ctx?.close());

  it('when staff who are not admins open or post the settings, then they get 403 and nothing changes', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const desk = await signedIn(ctx, 'sam', 'staff');
    expect((await desk.get('/staff/settings')).status).toBe(403);
    const res = await desk.upload('/staff/sessions', '/staff/settings', { libraryName: 'Hijacked' });
    expect(res.status).toBe(403);
    expect((await splash(ctx, 'en')).text).toContain('Config Library');
  });

  it('when nothing was saved, then the form shows the configuration file\'s values and the pages use them', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const admin = await signedIn(ctx, 'ada', 'admin');
    const res = await admin.get('/staff/settings');
    expect(res.status).toBe(200);
    expect(res.text).toContain('value="Config Library"');
    expect(res.text).toMatch(/<textarea id="f-walledGarden"[^>]*>catalogue.library.example<\/textarea>/);
    expect((await splash(ctx, 'fr')).text).toContain(translator('fr')('terms.default'));
  });

  it('when an admin saves a name, a PNG logo, Spanish terms, a notice and the walled garden, then patron pages show them at once and the audit names what changed, not the texts', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const admin = await signedIn(ctx, 'ada', 'admin');
    const res = await save(
      admin,
      form(ctx, { libraryName: 'Biblioteca Riverside', terms_es: 'Condiciones propias de la biblioteca.', banner_en: 'Closed on Friday for training.', banner_es: 'Cerrado el viernes.', bannerStart: '2026-11-18T09:00', bannerEnd: '2026-11-20T18:00', walledGarden: 'catalogue.library.example\nebooks.example.org\n192.0.2.0/24' }),
      { name: 'logo.png', data: PNG, type: 'image/png' },
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff/settings?saved=1');

    const es = await splash(ctx, 'es');
    expect(es.text).toContain('Biblioteca Riverside');
    expect(es.text).toContain('Condiciones propias de la biblioteca.');
    expect(es.text).toMatch(/<aside class="banner" aria-label="Aviso de la biblioteca"><div><p>Cerrado el viernes.<\/p>/);
    const logoUrl = /<img class="logo" src="(\/branding\/logo-[0-9a-f]{16}\.png)" alt=""/.exec(es.text)?.[1];
    expect(logoUrl).toBeDefined();
    // English: the built-in terms (no English text was given), the English notice.
    const en = await splash(ctx, 'en');
    expect(en.text).toContain(translator('en')('terms.default'));
    expect(en.text).toContain('Closed on Friday for training.');
    expect(en.headers['content-security-policy']).toContain("img-src 'self' data:");
    // The privacy notice names the library (the data controller) by its new name too.
    expect((await new Patron(ctx.app, '10.1.0.9').get('/privacy?lang=es')).text).toContain('Biblioteca Riverside');
    expect(en.headers['content-security-policy']).not.toContain('unsafe-inline');

    const logo = await request(ctx.app).get(logoUrl!);
    expect(logo.status).toBe(200);
    expect(logo.headers['content-type']).toBe('image/png');
    expect(logo.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(logo.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(logo.body as Buffer, PNG)).toBe(0);

    expect((ctx.deps.firewall as NoopFirewall).walledGarden).toEqual(['catalogue.library.example', 'ebooks.example.org', '192.0.2.0/24']);
    const [entry] = await ctx.deps.staff.audit.list(1);
    expect(entry).toEqual(expect.objectContaining({ actor: 'ada', action: 'settings.update', target: 'library' }));
    expect(auditInEnglish(entry!.detail)).toBe('library name; logo (PNG); terms of use (es); notice text (en, es); notice dates; walled garden (3 entries)');
    expect(JSON.stringify(entry)).not.toMatch(/Riverside|Condiciones|Cerrado|ebooks/);
  });

  it('when the notice\'s window has not begun or has ended, then no page shows it; within it, a language without text gets the library\'s main language', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const admin = await signedIn(ctx, 'ada', 'admin');
    expect((await save(admin, form(ctx, { defaultLang: 'fr', banner_fr: 'Fermé vendredi.', bannerStart: '2026-11-18T11:00', bannerEnd: '2026-11-18T12:00' }))).status).toBe(303);
    expect((await splash(ctx, 'ar')).text).not.toContain('class="banner"');
    ctx.clock.advance(60 * 60_000);
    const ar = await splash(ctx, 'ar');
    expect(ar.text).toContain('<div lang="fr" dir="ltr"><p>Fermé vendredi.</p>');
    expect(ar.text).toContain('<html lang="ar" dir="rtl">');
    ctx.clock.advance(60 * 60_000);
    expect((await splash(ctx, 'fr')).text).not.toContain('Fermé vendredi.');
  });

  it('when an SVG logo is uploaded, then the cleaned picture is served as SVG with a CSP that lets it run and fetch nothing', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const admin = await signedIn(ctx, 'ada', 'admin');
    expect((await save(admin, form(ctx), { name: 'logo.svg', data: SVG, type: 'image/svg+xml' })).status).toBe(303);
    const url = /src="(\/branding\/logo-[0-9a-f]{16}\.svg)"/.exec((await splash(ctx, 'en')).text)![1]!;
    const res = await request(ctx.app).get(url).buffer(true).parse((r, cb) => {
      let s = '';
      r.on('data', (c: Buffer) => (s += c.toString()));
      r.on('end', () => cb(null, s));
    });
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    expect(res.headers['content-security-policy']).toMatch(/^default-src 'none'; style-src 'unsafe-inline'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(res.body).not.toContain('inkscape');
    // The old address stops working once the logo is removed.
    expect((await save(admin, form(ctx, { removeLogo: 'yes' }))).status).toBe(303);
    expect((await request(ctx.app).get(url)).status).toBe(404);
    expect((await splash(ctx, 'en')).text).not.toContain('class="logo"');
  });

  describe('when the input is wrong, then the form comes back with a message a person can act on and the input kept', () => {
    const HOSTILE = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const cases: [string, Record<string, string>, { name: string; data: Buffer } | undefined, number, RegExp][] = [
      ['a logo too big', {}, { name: 'big.png', data: Buffer.concat([PNG, Buffer.alloc(30 * 1024)]) }, 413, /The logo file is too big: at most 20 KB/],
      ['a file of the wrong type', {}, { name: 'photo.jpg', data: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]) }, 415, /not a PNG or an SVG picture/],
      ['a hostile SVG', {}, { name: 'logo.svg', data: HOSTILE }, 400, /contains a &lt;script&gt; element/],
      ['a PNG too large in pixels', {}, { name: 'wide.png', data: fs.readFileSync(path.join(LOGOS, 'huge-2000x10.png')) }, 400, /2000 × 10 pixels/],
      ['a notice ending before it starts', { banner_en: 'Hello', bannerStart: '2026-11-20T10:00', bannerEnd: '2026-11-19T10:00' }, undefined, 400, /must stop showing after it starts/],
      ['a notice without dates', { banner_en: 'Hello', bannerStart: '', bannerEnd: '' }, undefined, 400, /Give the date and time the notice starts/],
      ['a walled-garden entry that is a URL', { walledGarden: 'https://catalogue.example/path' }, undefined, 400, /type only the host name, without http/],
      ['a walled-garden subnet too wide', { walledGarden: '10.0.0.0/8' }, undefined, 400, /too wide \(\/8\)/],
      ['a walled-garden wildcard', { walledGarden: '*.example.org' }, undefined, 400, /wildcards cannot be used/],
      ['a walled-garden entry that is no host', { walledGarden: 'bad_host!.example' }, undefined, 400, /not a host name/],
      ['terms too long', { terms_ar: 'ب'.repeat(7000) }, undefined, 400, /The Arabic terms are too long \(14 KB\)/],
      ['a notice too long', { banner_fr: 'x'.repeat(401) }, undefined, 400, /The French notice is 401 characters long/],
      ['a name too long', { libraryName: 'L'.repeat(150) }, undefined, 400, /The name is 150 characters long/],
      ['a field longer than the form takes', { terms_en: 'x'.repeat(70 * 1024) }, undefined, 400, /too long/],
    ];
    test.each(cases)('%s', async (_name, over, file, status, message) => {
      ctx = await makeStaffApp({ config: CONFIG });
      const admin = await signedIn(ctx, 'ada', 'admin');
      const res = await save(admin, form(ctx, { libraryName: 'Kept as typed', ...over }), file);
      expect([res.status, message.test(res.text)]).toEqual([status, true]);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      if (!over.libraryName) expect(res.text).toContain('value="Kept as typed"');
      expect((await splash(ctx, 'en')).text).toContain('Config Library');
      expect(await ctx.deps.store.getLibrarySetting('settings')).toBeUndefined();
    });
  });

  it('when the store fails while saving, then the form comes back with a 503 that says nothing changed', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const admin = await signedIn(ctx, 'ada', 'admin');
    const fields = form(ctx, { libraryName: 'Never saved' });
    const spy = jest.spyOn(ctx.deps.store, 'setLibrarySetting').mockRejectedValue(new Error('disk I/O error'));
    const res = await save(admin, fields);
    spy.mockRestore();
    expect(res.status).toBe(503);
    expect(res.text).toContain('Nothing was changed on the patron pages');
    expect((await splash(ctx, 'en')).text).toContain('Config Library');
  });

  it('when the store fails while an admin who reads Arabic saves, then the 503 says so in Arabic', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const admin = await signedIn(ctx, 'ada', 'admin');
    await admin.submit('/staff', '/staff/language', { lang: 'ar', back: '/staff' });
    const fields = form(ctx, { libraryName: 'Never saved' });
    const spy = jest.spyOn(ctx.deps.store, 'setLibrarySetting').mockRejectedValue(new Error('disk I/O error'));
    const res = await save(admin, fields);
    spy.mockRestore();
    expect([res.status, res.text.includes('تعذّر حفظ الإعدادات: مخزن البوابة لا يستجيب.'), res.text.includes('Nothing was changed')]).toEqual([503, true, false]);
  });

  it('when the form token is missing, then the answer is 403 and nothing is saved', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    await signedIn(ctx, 'ada', 'admin');
    const admin = await signedIn(ctx, 'bea', 'admin');
    const res = await admin.upload('/staff/settings', '/staff/settings', { libraryName: 'X', _csrf: 'forged' });
    expect(res.status).toBe(403);
    expect(await ctx.deps.store.getLibrarySetting('settings')).toBeUndefined();
  });
});

describe('library settings on gateways sharing Redis', () => {
  it('when an admin saves on one gateway, then another shows the new name, terms and logo within seconds and applies the walled garden', async () => {
    const prefix = `t:${Math.random().toString(36).slice(2)}:`;
    const a = await makeStaffApp({ config: CONFIG, redis: true, prefix });
    const firewall = new NoopFirewall(a.deps.logger, a.clock);
    const b = await makeTestApp({ config: { ...CONFIG, gatewayId: 'gw2' }, redis: true, prefix, firewall: () => firewall });
    try {
      expect((await new Patron(b.app, '10.1.0.5').get('/')).text).toContain('Config Library');
      const admin = await signedIn(a, 'ada', 'admin');
      expect((await save(admin, form(a, { libraryName: 'Shared Library', terms_ar: 'شروط المكتبة.', walledGarden: 'ebooks.example.org' }), { name: 'l.png', data: PNG })).status).toBe(303);
      b.clock.advance(6_000);
      const page = (await new Patron(b.app, '10.1.0.5').get('/?lang=ar')).text;
      expect(page).toContain('Shared Library');
      expect(page).toContain('شروط المكتبة.');
      const url = /src="(\/branding\/logo-[0-9a-f]{16}\.png)"/.exec(page)![1]!;
      const logo = await request(b.app).get(url);
      expect([logo.status, Buffer.compare(logo.body as Buffer, PNG)]).toEqual([200, 0]);
      expect(firewall.walledGarden).toEqual(['ebooks.example.org']);
      // The staff app of the other gateway reads the same.
      expect((await request(createApp(b.deps, { surfaces: ['staff'] })).get('/staff/login')).text).toContain('Shared Library');
    } finally {
      await b.close();
      await a.close();
    }
  });
});
