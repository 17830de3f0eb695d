// Patron pages in the patron's language: chosen from Accept-Language or ?lang=, carried through
// links, forms and redirects without any cookie, right to left in Arabic, with no English left.
import request from 'supertest';
import { en } from '../../src/i18n/en';
import { CATALOGS } from '../../src/i18n/translate';
import type { Lang } from '../../src/i18n/languages';
import { createApp } from '../../src/app';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';

const ZONES = [
  { id: 'wifi', name: 'Wi-Fi', subnets: ['10.1.0.0/16'] },
  { id: 'closed', name: 'Annexe', subnets: ['10.3.0.0/16'], policy: { openingHours: {} } },
  { id: 'tiny', name: 'Kiosk', subnets: ['10.4.0.0/16'], policy: { sessionMinutes: 1, dailyMinutes: 1, warningMinutes: 0 } },
  { id: 'passes', name: 'Study room', subnets: ['10.5.0.0/16'], policy: { accessMode: 'pass' } },
];

/** A patron whose browser sends Accept-Language. */
class Speaker extends Patron {
  constructor(app: TestContext['app'], ip: string, readonly lang: string) {
    super(app, ip);
  }
  override get(url: string) {
    return super.get(url).set('Accept-Language', this.lang);
  }
}

/** Every patron page, as a patron speaking `lang` sees it. */
async function everyPage(ctx: TestContext, lang: Lang, n: number): Promise<Record<string, string>> {
  const pages: Record<string, string> = {};
  const p = new Speaker(ctx.app, `10.1.${n}.1`, lang);
  pages.splash = (await p.page('/')).text;
  pages.privacy = (await p.page('/privacy')).text;
  pages.learn = (await p.page('/learn')).text;
  pages.lesson = (await p.page('/learn/this-network')).text;
  pages.quiz = (await p.page('/learn/email/check?q1=2&q2=2')).text;
  pages.notFoundLesson = (await p.page('/learn/missing')).text;
  await p.accept();
  pages.status = (await p.page('/status?notice=extended')).text;
  pages.notFound = (await p.page('/no/such/page')).text;
  pages.loggedOut = (await p.page('/logged-out')).text;
  pages.closed = (await new Speaker(ctx.app, `10.3.${n}.1`, lang).page('/')).text;
  pages.noZone = (await new Speaker(ctx.app, `192.0.2.${n}`, lang).page('/')).text;
  const tiny = new Speaker(ctx.app, `10.4.${n}.1`, lang);
  await tiny.accept();
  ctx.clock.advance(2 * 60_000);
  await ctx.deps.sessions.tick();
  // Patron.submit posts without Accept-Language: the language travels in the query instead.
  pages.exhausted = (await tiny.submit(`/?lang=${lang}`, `/accept?lang=${lang}`, { accept: 'yes' })).text;
  pages.wrongPass = (await new Speaker(ctx.app, `10.5.${n}.1`, lang).submit(`/?lang=${lang}`, `/redeem?lang=${lang}`, { code: 'ABCDE-FGHJK' })).text;
  pages.csrf = (await request(ctx.app).post('/accept').set('X-Test-Client', `10.1.${n}.9`).set('Accept-Language', lang).set('Accept', 'text/html').type('form').send({ accept: 'yes' })).text;
  return pages;
}

const visibleText = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

describe('languages', () => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  it.each([
    ['es-ES,es;q=0.9', 'es', 'ltr', 'Bienvenido a Your Library'],
    ['fr-CA', 'fr', 'ltr', 'Bienvenue à Your Library'],
    ['ar-EG,ar;q=0.9,en;q=0.5', 'ar', 'rtl', 'مرحبًا بك في Your Library'],
    ['de-DE', 'en', 'ltr', 'Welcome to Your Library'],
  ])('when the browser asks for %s, then the welcome page is in %s, %s', async (header, lang, dir, title) => {
    ctx = await makeTestApp();
    const res = await new Speaker(ctx.app, '10.1.0.2', header).page('/');
    expect(res.text).toContain(`<html lang="${lang}" dir="${dir}">`);
    expect(res.text).toContain(title);
    expect(res.headers.vary).toMatch(/Accept-Language/);
  });

  it('when the page is shown, then a switcher links the same page in every language, marking the current one', async () => {
    ctx = await makeTestApp();
    const res = await new Speaker(ctx.app, '10.1.0.3', 'fr').page('/learn/email?x=1');
    expect(res.text).toMatch(/<nav class="languages" aria-label="Langue">/);
    expect(res.text).toContain('<a href="/learn/email?x=1&amp;lang=en" lang="en" hreflang="en">English</a>');
    expect(res.text).toContain('<a href="/learn/email?x=1&amp;lang=fr" lang="fr" hreflang="fr" aria-current="page">Français</a>');
    expect(res.text).toContain('<a href="/learn/email?x=1&amp;lang=ar" lang="ar" hreflang="ar">العربية</a>');
  });

  it('when a language is chosen with ?lang=, then it wins over Accept-Language and every link and form keeps it, with no cookie', async () => {
    ctx = await makeTestApp();
    const p = new Speaker(ctx.app, '10.1.0.4', 'es');
    const learn = await p.get('/learn?lang=ar');
    expect(learn.text).toContain('<html lang="ar" dir="rtl">');
    expect(learn.headers['set-cookie']).toBeUndefined();
    expect(learn.text).toContain('href="/learn/passwords?lang=ar"');
    expect(learn.text).toContain('href="/privacy?lang=ar"');
    const splash = await p.page('/?lang=ar');
    expect(splash.text).toContain('action="/accept?lang=ar"');
    // The only cookie is the CSRF one, which carries no identity and no language.
    expect((splash.headers['set-cookie'] as unknown as string[]).map((c) => c.split('=')[0])).toEqual(['th_csrf']);
    const lesson = await p.get('/learn/passwords?lang=ar');
    expect(lesson.text).toContain('<input type="hidden" name="lang" value="ar">');
    const bad = await p.get('/learn?lang=xx');
    expect(bad.text).toContain('<html lang="es" dir="ltr">');
  });

  it('when the patron moves through the portal with a chosen language, then every redirect keeps it', async () => {
    ctx = await makeTestApp();
    const p = new Patron(ctx.app, '10.1.0.5');
    expect((await request(ctx.app).get('/somewhere?lang=fr').set('X-Test-Client', '10.1.0.5')).headers.location).toBe('/?lang=fr');
    const accepted = await p.submit('/?lang=fr', '/accept?lang=fr', { accept: 'yes' });
    expect(accepted.headers.location).toBe('/status?lang=fr');
    expect((await p.submit('/status?lang=fr', '/extend?lang=fr')).headers.location).toBe('/status?notice=not-extended&why=full&lang=fr');
    expect((await p.submit('/status?lang=fr', '/logout?lang=fr')).headers.location).toBe('/logged-out?lang=fr');
  });

  it('when the portal URL is configured, then the captured client is sent to it in its chosen language', async () => {
    ctx = await makeTestApp({ config: { portalUrl: 'https://portal.library.example' } });
    const res = await request(ctx.app).get('/elsewhere?lang=es').set('X-Test-Client', '10.1.0.6');
    expect(res.headers.location).toBe('https://portal.library.example/?lang=es');
  });

  it('when errors are shown, then their title and message are in the patron\'s language', async () => {
    ctx = await makeTestApp();
    const bad = await new Patron(ctx.app, '10.1.0.7').submit('/?lang=es', '/accept?lang=es', { accept: 'no' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Para conectarse, pulse el botón «Acepto» en la página de inicio.');
    expect(bad.text).toContain('Error 400');
    const csrf = await request(ctx.app).post('/accept').set('X-Test-Client', '10.1.0.8').set('Accept-Language', 'ar').set('Accept', 'text/html').type('form').send({ accept: 'yes' });
    expect(csrf.status).toBe(403);
    expect(csrf.text).toContain('انتهت صلاحية هذا النموذج');
    const json = await request(ctx.app).post('/accept').set('X-Test-Client', '10.1.0.8').set('Accept-Language', 'fr').set('Content-Type', 'application/json').set('Accept', 'application/json').send('{"accept":');
    expect(json.body.error).toEqual({ code: 'malformed', message: expect.stringContaining('illisible') });
  });

  it('when the staff console answers, then it stays in English whatever the browser asks for', async () => {
    ctx = await makeTestApp();
    const staffApp = createApp(ctx.deps, { surfaces: ['staff'] });
    const res = await request(staffApp).get('/no/such/page').set('Accept-Language', 'fr').set('Accept', 'text/html');
    expect(res.status).toBe(404);
    expect(res.text).toContain('<html lang="en" dir="ltr">');
    expect(res.text).toContain('Page not found');
    expect(res.headers.vary ?? '').not.toMatch(/Accept-Language/);
  });

  it('when the library wrote its own terms with translations, then each patron reads them in their language', async () => {
    ctx = await makeTestApp({ config: { terms: 'Be kind.', termsTranslations: { es: 'Sea amable.' } } });
    expect((await new Speaker(ctx.app, '10.1.0.9', 'es').page('/')).text).toContain('<p>Sea amable.</p>');
    expect((await new Speaker(ctx.app, '10.1.0.9', 'fr').page('/')).text).toContain('<p>Be kind.</p>');
    ctx.close();
    ctx = await makeTestApp();
    expect((await new Speaker(ctx.app, '10.1.0.9', 'fr').page('/')).text).toContain('Utilisez ce réseau dans le respect de la loi');
  });

  it.each(['es', 'fr', 'ar'] as Lang[])('when every patron page is shown in %s, then no English text is left on any of them', async (lang) => {
    ctx = await makeTestApp({ config: { zones: ZONES } });
    const pages = await everyPage(ctx, lang, 1);
    expect(Object.keys(pages)).toHaveLength(14);
    expect(pages.wrongPass).toContain('aria-invalid="true"');
    // Each English message, cut at its placeholders, whose pieces a translation does not share.
    const catalog = CATALOGS[lang];
    const english = Object.entries(en)
      .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(catalog[k as keyof typeof en]))
      .flatMap(([, v]) => (typeof v === 'string' ? [v] : Object.values(v)))
      .flatMap((v) => v.split(/\{\w+\}/))
      .map((s) => s.trim())
      .filter((s) => s.length >= 12);
    for (const [name, html] of Object.entries(pages)) {
      expect([name, html.slice(0, 60)]).toEqual([name, expect.stringContaining(`<html lang="${lang}"`)]);
      const text = visibleText(html);
      expect([name, english.filter((e) => text.includes(e))]).toEqual([name, []]);
    }
  });
});
