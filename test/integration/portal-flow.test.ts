// The patron's flow through the portal: splash, accept, status, extend, log out, refusals.
import request from 'supertest';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';

describe('patron flow', () => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  it('when a patron accepts the terms, then a full page load of the status page shows time left and a session code', async () => {
    ctx = await makeTestApp();
    const patron = new Patron(ctx.app, '10.0.0.5');
    const splash = await patron.page('/');
    expect(splash.status).toBe(200);
    expect(splash.text).toContain('Your Library');
    expect(splash.text).toContain('Terms of use');
    expect(splash.text).toContain('I accept the terms');
    const accepted = await patron.accept();
    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toBe('/status');
    const status = await patron.page('/status');
    expect(status.status).toBe(200);
    expect(status.text).toContain('You are online');
    expect(status.text).toMatch(/<p class="code">[2-9A-Z]{3} [2-9A-Z]{3}<\/p>/);
    expect(status.text).toContain('1 hour');
    expect(status.headers['cache-control']).toBe('no-store');
  });

  it('when a patron with a session opens the splash page, then they are sent to the status page', async () => {
    ctx = await makeTestApp();
    const patron = new Patron(ctx.app, '10.0.0.6');
    await patron.accept();
    const res = await patron.page('/');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/status');
  });

  it('when a patron without a session opens the status page, then they are sent to the splash page', async () => {
    ctx = await makeTestApp();
    const res = await new Patron(ctx.app, '10.0.0.7').page('/status');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
  });

  it('when a patron logs out, then the session ends and the unused time is given back', async () => {
    ctx = await makeTestApp({ config: { zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['0.0.0.0/0'], policy: { sessionMinutes: 60, dailyMinutes: 60 } }] } });
    const patron = new Patron(ctx.app, '10.0.0.8');
    await patron.accept();
    ctx.clock.advance(10 * 60_000);
    const out = await patron.submit('/status', '/logout');
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/logged-out');
    expect(ctx.deps.sessions.lookup('10.0.0.8')).toBeUndefined();
    expect(await ctx.deps.firewall.list()).toEqual([]);
    // 50 minutes were given back: a new session of 50 minutes is possible.
    await patron.accept();
    expect(ctx.deps.sessions.secondsLeft(ctx.deps.sessions.lookup('10.0.0.8')!)).toBe(50 * 60);
  });

  it('when a patron extends near the end, then the session is topped up and the page says so', async () => {
    ctx = await makeTestApp();
    const patron = new Patron(ctx.app, '10.0.0.9');
    await patron.accept();
    ctx.clock.advance(55 * 60_000);
    const res = await patron.submit('/status', '/extend');
    expect(res.headers.location).toBe('/status?notice=extended&added=55');
    expect(ctx.deps.sessions.secondsLeft(ctx.deps.sessions.lookup('10.0.0.9')!)).toBe(3600);
    const page = await patron.page(res.headers.location as string);
    expect(page.text).toContain('Your session was extended by 55 minutes.');
  });

  it('when the daily allowance is used up, then the patron gets the allowance page with when it comes back', async () => {
    ctx = await makeTestApp({ config: { zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['0.0.0.0/0'], policy: { sessionMinutes: 30, dailyMinutes: 30 } }] } });
    const patron = new Patron(ctx.app, '10.0.0.10');
    await patron.accept();
    ctx.clock.advance(31 * 60_000);
    await ctx.deps.sessions.tick();
    const res = await patron.accept();
    expect(res.status).toBe(403);
    expect(res.text).toContain('Your time for today is used up');
    expect(res.text).toContain('00:00');
  });

  it('when the library is closed, then the splash page shows today\'s hours and the next opening', async () => {
    ctx = await makeTestApp({
      now: '2026-11-18T21:00:00Z',
      config: { zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['0.0.0.0/0'], policy: { openingHours: { wed: [{ open: '09:00', close: '20:00' }], thu: [{ open: '10:00', close: '18:00' }] } } }] },
    });
    const res = await new Patron(ctx.app, '10.0.0.11').page('/');
    expect(res.status).toBe(403);
    expect(res.text).toContain('The library is closed');
    expect(res.text).toContain('09:00 – 20:00');
    expect(res.text).toContain('Next opening: tomorrow at 10:00.');
  });

  it('when the CSRF token is missing, then the patron gets a clear 403 page and no session', async () => {
    ctx = await makeTestApp();
    const res = await request(ctx.app).post('/accept').set('X-Test-Client', '10.0.0.12').set('Accept', 'text/html').type('form').send({ accept: 'yes' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('This form has expired');
    expect(ctx.deps.sessions.lookup('10.0.0.12')).toBeUndefined();
  });

  it('when the accept field is missing, then a 400 page explains what to do', async () => {
    ctx = await makeTestApp();
    const res = await new Patron(ctx.app, '10.0.0.13').submit('/', '/accept', { accept: 'no' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('press the');
  });

  it('when a body is too large or malformed, then the answer is a 4xx, never a 500', async () => {
    ctx = await makeTestApp();
    const big = await request(ctx.app).post('/accept').set('X-Test-Client', '10.0.0.14').type('form').send('accept=' + 'y'.repeat(20_000));
    expect(big.status).toBe(413);
    const bad = await request(ctx.app).post('/accept').set('X-Test-Client', '10.0.0.14').set('Content-Type', 'application/json').set('Accept', 'application/json').send('{"accept":');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/not valid JSON/);
  });

  it('when a patron presses accept too often, then they get the too-many-requests page', async () => {
    ctx = await makeTestApp();
    const patron = new Patron(ctx.app, '10.0.0.15');
    let last = 0;
    for (let i = 0; i < 22; i++) last = (await patron.accept()).status;
    expect(last).toBe(429);
  });

  it('when an unknown page is asked for without a session, then the client is sent to the splash page', async () => {
    ctx = await makeTestApp();
    const res = await request(ctx.app).get('/some/site/page').set('X-Test-Client', '10.0.0.16');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
  });

  it('when an unknown page is asked for with a session, then a friendly 404 page is shown', async () => {
    ctx = await makeTestApp();
    const patron = new Patron(ctx.app, '10.0.0.17');
    await patron.accept();
    const res = await patron.get('/nope');
    expect(res.status).toBe(404);
    expect(res.text).toContain('There is no page at this address');
  });

  it('when the privacy page is opened, then it states the live limits and what is never collected', async () => {
    ctx = await makeTestApp({ config: { statsRetentionDays: 400 } });
    const res = await new Patron(ctx.app, '10.0.0.18').page('/privacy');
    expect(res.status).toBe(200);
    expect(res.text).toContain('sessions of up to 1 hour, 3 hours a day per device');
    expect(res.text).toContain('kept for 400 days');
    expect(res.text).toContain('the websites or addresses you visit');
  });

  it('when any page is served, then it carries a strict CSP with no inline script or style', async () => {
    ctx = await makeTestApp();
    const res = await new Patron(ctx.app, '10.0.0.19').page('/');
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.text).not.toMatch(/<script>(?!<\/script>)|style="/);
  });
});
