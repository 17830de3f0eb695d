// Patron pages that explain themselves: why a session ends when it does, time left today, what
// an extend did or why it could not, human dates, translated closure reasons, the no-zone page and
// who answers for the data on the privacy page.
import { SUPPORTED } from '../../src/i18n/languages';
import { translator } from '../../src/i18n/translate';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';

const zone = (policy: Record<string, unknown>) => ({ zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.0.0.0/8'], policy }] });

describe('patron pages that explain themselves', () => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  it('when a session runs for the full session length, then the status page says so and shows the time left today', async () => {
    ctx = await makeTestApp({ config: zone({ sessionMinutes: 60, dailyMinutes: 180 }) });
    const p = new Patron(ctx.app, '10.0.1.1');
    await p.accept();
    const page = (await p.page('/status')).text;
    expect(page).toContain('That is the longest session this network gives at a time (1 hour).');
    expect(page).toContain('After this session, this device has 2 hours left for today.');
  });

  it('when the library closes before the session length, then the status page says the session ends at closing time', async () => {
    ctx = await makeTestApp({ now: '2026-11-18T19:30:00Z', config: zone({ openingHours: { wed: [{ open: '09:00', close: '20:00' }] } }) });
    const p = new Patron(ctx.app, '10.0.1.2');
    await p.accept();
    const page = (await p.page('/status')).text;
    expect(page).toContain('Your session ends at 20:00. The library closes then.');
  });

  it("when today's allowance is shorter than a session, then the status page says the device's time runs out and none is left", async () => {
    ctx = await makeTestApp({ config: zone({ sessionMinutes: 60, dailyMinutes: 90 }) });
    const p = new Patron(ctx.app, '10.0.1.3');
    await p.accept();
    ctx.clock.advance(55 * 60_000);
    await p.submit('/status', '/logout');
    // 35 minutes of today's 90 are left: the second session is cut to them.
    await p.accept();
    const page = (await p.page('/status')).text;
    expect(page).toContain("That is when this device&#39;s time for today runs out.");
    expect(page).toContain('After this session, this device has no time left for today.');
  });

  it('when an extend is refused, then the page gives the reason: a full session left, or no time left today', async () => {
    ctx = await makeTestApp({ config: zone({ sessionMinutes: 30, dailyMinutes: 40 }) });
    const p = new Patron(ctx.app, '10.0.1.4');
    await p.accept();
    const full = await p.submit('/status', '/extend');
    expect(full.headers.location).toBe('/status?notice=not-extended&why=full');
    expect((await p.page(full.headers.location as string)).text).toContain('it already has a full session&#39;s time left. Try again later.');
    ctx.clock.advance(25 * 60_000);
    const added = await p.submit('/status', '/extend');
    expect(added.headers.location).toBe('/status?notice=extended&added=10');
    expect((await p.page(added.headers.location as string)).text).toContain('Your session was extended by 10 minutes.');
    const none = await p.submit('/status', '/extend');
    expect(none.headers.location).toBe('/status?notice=not-extended&why=allowance');
    expect((await p.page(none.headers.location as string)).text).toContain('Your session cannot be extended: this device has no time left for today.');
  });

  it('when the notice in the address is not one the page writes, then the page shows no notice and no error', async () => {
    ctx = await makeTestApp();
    const p = new Patron(ctx.app, '10.0.1.5');
    await p.accept();
    for (const q of ['notice=extended&added=abc', 'notice=extended&added=0', 'notice=not-extended&why=%3Cb%3E', 'notice=other', 'notice[]=x']) {
      const res = await p.page(`/status?${q}`);
      expect([q, res.status, res.text.includes('role="status"')]).toEqual([q, 200, false]);
    }
  });

  it.each(SUPPORTED)('when the library is closed today for a reason translated into %s, then the page shows that translation, and the next opening in words', async (lang) => {
    ctx = await makeTestApp({
      now: '2026-11-18T12:00:00Z',
      config: zone({ openingHours: { wed: [{ open: '09:00', close: '20:00' }], thu: [{ open: '10:00', close: '18:00' }] }, closures: [{ date: '2026-11-18', reason: 'Staff training', translations: { es: 'Formación del personal', ar: 'تدريب الموظفين' } }] }),
    });
    const page = (await new Patron(ctx.app, '10.0.1.6').page(`/?lang=${lang}`)).text;
    const expected = { en: 'Staff training', es: 'Formación del personal', fr: 'Staff training', ar: 'تدريب الموظفين' }[lang];
    expect(page).toContain(`<p class="notice warn">${expected}</p>`);
    expect(page).toContain(translator(lang)('when.tomorrow', { time: '10:00' }));
    expect(page).not.toMatch(/2026-11-19/);
  });

  it('when a closure has no reason, then no English placeholder reason is shown in another language', async () => {
    ctx = await makeTestApp({ now: '2026-11-18T12:00:00Z', config: zone({ closures: [{ date: '2026-11-18' }] }) });
    const page = (await new Patron(ctx.app, '10.0.1.7').page('/?lang=es')).text;
    expect(page).not.toContain('closed today');
    expect(page).toContain(translator('es')('closed.none'));
  });

  it.each(SUPPORTED)('when a device is on no network the portal serves, then the page in %s has its own heading and tells the patron what to do', async (lang) => {
    ctx = await makeTestApp({ config: zone({}) });
    const res = await new Patron(ctx.app, '192.168.9.9').page(`/?lang=${lang}`);
    const t = translator(lang);
    expect(res.status).toBe(403);
    expect(res.text).toContain(`<h1>${t('noZone.title').replace(/'/g, '&#39;')}</h1>`);
    expect(res.text).toContain(t('noZone.help').replace(/'/g, '&#39;'));
    const main = /<main[^>]*>([\s\S]*)<\/main>/.exec(res.text)?.[1] ?? '';
    expect(main).not.toMatch(/portal|zone/i);
  });

  it.each(SUPPORTED)('when the privacy page is read in %s, then it names the controller, the contact and the complaint route from the configuration, and no internal detail', async (lang) => {
    ctx = await makeTestApp({ config: { libraryName: 'Riverside Library', privacyContact: { contact: 'privacy@riverside.example', authority: 'the ICO (ico.org.uk)' } } });
    const page = (await new Patron(ctx.app, '10.0.1.8').page(`/privacy?lang=${lang}`)).text;
    const t = translator(lang);
    const esc = (s: string) => s.replace(/'/g, '&#39;');
    expect(page).toContain(esc(t('privacy.controller', { controller: 'Riverside Library' })));
    expect(page).toContain(esc(t('privacy.contact', { contact: 'privacy@riverside.example' })));
    expect(page).toContain(esc(t('privacy.complaint', { authority: 'the ICO (ico.org.uk)' })));
    expect(page).not.toMatch(/sqlite|noop|nftables|redis/i);
  });

  it('when no contact or authority is configured, then the privacy page sends the patron to staff and to their country\'s authority', async () => {
    ctx = await makeTestApp();
    const page = (await new Patron(ctx.app, '10.0.1.9').page('/privacy')).text;
    expect(page).toContain('Your Library is responsible for this service');
    expect(page).toContain('For any question about your privacy here, ask library staff.');
    expect(page).toContain('the data protection authority of your country');
  });
});
