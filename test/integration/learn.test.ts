// The lessons under /learn: open before login, in the patron's language, quizzes marked without
// JavaScript, facts drawn from the running configuration, and nothing kept about the reader.
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';

const ZONES = [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.0.0.0/8'], policy: { sessionMinutes: 45, dailyMinutes: 120 } }];

function get(ctx: TestContext, url: string, ip = '10.2.0.1', lang?: string) {
  const req = request(ctx.app).get(url).set('X-Test-Client', ip).set('Accept', 'text/html');
  return lang ? req.set('Accept-Language', lang) : req;
}

describe('lessons', () => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  it('when a client without a session opens /learn, then it gets the list of lessons, not the welcome page', async () => {
    ctx = await makeTestApp();
    const res = await get(ctx, '/learn');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Learn digital skills');
    for (const id of ['public-wifi', 'this-network', 'passwords', 'scams', 'email', 'digital-rights']) expect(res.text).toContain(`href="/learn/${id}"`);
    const lesson = await get(ctx, '/learn/passwords');
    expect(lesson.status).toBe(200);
    expect(lesson.text).toContain('Strong passwords and two-step sign-in');
    expect(ctx.deps.sessions.lookup('10.2.0.1')).toBeUndefined();
  });

  it('when the splash and status pages are shown, then both link to the lessons', async () => {
    ctx = await makeTestApp();
    const patron = new Patron(ctx.app, '10.2.0.2');
    expect((await patron.page('/')).text).toMatch(/<a class="button secondary" href="\/learn">/);
    await patron.accept();
    expect((await patron.page('/status')).text).toMatch(/<a class="button secondary" href="\/learn">/);
  });

  it('when the lesson about this network is read, then it states the limits and retention the portal runs with', async () => {
    ctx = await makeTestApp({ config: { libraryName: 'Riverside Library', statsRetentionDays: 400, zones: ZONES } });
    const en = await get(ctx, '/learn/this-network');
    expect(en.text).toContain('A session lasts up to <strong>45 minutes</strong>, and each device may use <strong>2 hours</strong> a day');
    expect(en.text).toContain('They are kept for 400 days.');
    expect(en.text).toContain('key lives 1 day: it is destroyed when the day');
    expect(en.text).toContain('at the latest 10 minutes later');
    expect(en.text).toContain('Riverside Library built its Wi-Fi');
    expect(en.text).not.toContain('{{');
    const es = await get(ctx, '/learn/this-network', '10.2.0.1', 'es');
    expect(es.text).toContain('Una sesión dura hasta <strong>45 minutos</strong>');
    expect(es.text).toContain('Se guardan durante 400 días.');
    const ar = await get(ctx, '/learn/this-network', '10.2.0.1', 'ar');
    expect(ar.text).toContain('<strong>ساعتين</strong> في اليوم');
    expect(ar.text).toContain('مدة 400 يوم');
  });

  it('when a staff member changes a policy, then the lesson says the new limits at once', async () => {
    ctx = await makeTestApp({ config: { zones: ZONES } });
    const policy = await ctx.deps.sessions.policies.get('wifi');
    await ctx.deps.sessions.policies.set('wifi', { ...policy, dailyMinutes: 90 });
    expect((await get(ctx, '/learn/this-network')).text).toContain('each device may use <strong>1 h 30 min</strong> a day');
  });

  it('when a quiz is answered without JavaScript, then the server marks it and shows each answer', async () => {
    ctx = await makeTestApp();
    const page = await get(ctx, '/learn/passwords');
    expect(page.text).toMatch(/<form method="get" action="\/learn\/passwords\/check#result"/);
    expect(page.text).toMatch(/<input type="radio" name="q1" id="q1-1" value="1">/);
    expect(page.text).toMatch(/<label for="q1-1"><span class="bidi-auto">Maria1985<\/span><\/label>/);
    const res = await get(ctx, '/learn/passwords/check?q1=3&q2=1');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('You got 1 of 3 right.');
    expect(res.text).toMatch(/<fieldset class="question right"[\s\S]*<fieldset class="question wrong"[\s\S]*<fieldset class="question unanswered"/);
    expect(res.text).toMatch(/name="q1" id="q1-3" value="3" checked/);
    expect(res.text).toContain('The answer: \u2068orange tractor singing under rain\u2069');
  });

  it('when a quiz answer is not one of the choices, then a 400 page says which question, in the patron\'s language', async () => {
    ctx = await makeTestApp();
    const res = await get(ctx, '/learn/passwords/check?q1=9', '10.2.0.1', 'fr');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Une réponse envoyée pour la question 1 ne fait pas partie de ses choix.');
  });

  it('when a lesson does not exist, then a 404 page points to the list, even without a session', async () => {
    ctx = await makeTestApp();
    for (const url of ['/learn/nope', '/learn/..%2Fetc', '/learn/nope/check', '/learn/x/y/z']) {
      const res = await get(ctx, url, '10.2.0.1', 'es');
      expect([url, res.status]).toEqual([url, 404]);
    }
    expect((await get(ctx, '/learn/nope', '10.2.0.1', 'es')).text).toContain('No hay ninguna lección en esta dirección.');
  });

  it('when lessons are read and quizzes answered, then only an hourly count per zone is kept, with nothing about the reader', async () => {
    ctx = await makeTestApp({ config: { zones: ZONES } });
    const ips = ['10.9.8.7', '10.9.8.6', '10.9.8.5'];
    for (const ip of ips) {
      await get(ctx, '/learn', ip);
      await get(ctx, '/learn/scams', ip);
      await get(ctx, '/learn/scams/check?q1=2&q2=1&q3=2', ip);
    }
    await get(ctx, '/learn/email', '192.0.2.1'); // outside every zone: not counted
    const stats = await ctx.deps.store.readStats(0, Date.now() * 2);
    expect(stats).toHaveLength(1);
    expect(stats[0]).toEqual(expect.objectContaining({ zoneId: 'wifi', counts: expect.objectContaining({ learnViews: 3, sessionsStarted: 0 }) }));
    expect(await ctx.deps.store.listSessions()).toEqual([]);
    const files = fs.readdirSync(ctx.dataDir, { recursive: true, encoding: 'utf8' })
      .map((f) => path.join(ctx.dataDir, f))
      .filter((f) => fs.statSync(f).isFile())
      .map((f) => fs.readFileSync(f));
    const haystacks = [...files, Buffer.from(ctx.logs.join(''))];
    for (const needle of [...ips, '192.0.2.1', 'q1=2', 'scams/check']) {
      expect([needle, haystacks.some((h) => h.includes(needle))]).toEqual([needle, false]);
    }
  });

  it('when lesson pages are served, then they carry the strict CSP and no inline script or style', async () => {
    ctx = await makeTestApp();
    for (const url of ['/learn', '/learn/public-wifi', '/learn/public-wifi/check?q1=1']) {
      const res = await get(ctx, url);
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.text).not.toMatch(/<script>|<script(?![^>]*src="\/static\/js\/)|style="/);
    }
  });
});
