// The staff console during a shared-store outage, against a real redis-server of the test's own
// that the test stops and starts again (or freezes and thaws): every console page, sign-in and JSON caller is answered
// at once with the console's own 503 (in the staff member's language, Retry-After, a page that
// retries by itself, no script), desk forms sent meanwhile change nothing and say so, and the
// console answers 200 again once Redis is back. When Redis stops in the middle of a form, a
// change that was saved is answered as saved (its audit entry waits), and one that may be partly
// saved is not called "nothing saved".
import request from 'supertest';
import type { Lang } from '../../src/i18n/languages';
import { staffTranslator } from '../../src/i18n/staff/translate';
import { StaffBrowser, makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';
import { startOwnRedis, type OwnRedis } from '../helpers/own-redis';
import { englishDetector } from '../helpers/english-left';
import { timed, waitFor } from '../helpers/wait';

jest.setTimeout(90_000);

/** Console pages a staff member may have open when the store goes (one of each area). */
const PAGES = ['/staff', '/staff/sessions', '/staff/passes', '/staff/passes/desk', '/staff/stats', '/staff/workstations', '/staff/queue', '/staff/policies', '/staff/login'];
/** The store client's own command timeout here: shorter than the 5 s default, so a frozen store's commands give up sooner. */
const COMMAND_TIMEOUT_MS = 2500;
/** Far less than the store client's command timeout; a busy test machine adds some. */
const FAST_MS = 1000;
const NAMES = ['Your Library', 'Redis'];
const CARD = /<p class="pass-code">([2-9A-Z]{4}-[2-9A-Z]{4})<\/p>/;

describe('the staff console while the shared store is away', () => {
  let redis: OwnRedis;
  let ctx: StaffContext;
  let admin: StaffBrowser;
  beforeEach(async () => {
    redis = await startOwnRedis();
    ctx = await makeStaffApp({ config: { redisUrl: redis.url, storeCommandTimeoutMs: COMMAND_TIMEOUT_MS } });
    admin = await signedIn(ctx, 'ada', 'admin');
  });
  afterEach(async () => {
    redis.thaw();
    await ctx.close().catch(() => undefined);
    await redis.destroy();
  });

  test('when Redis is stopped, then every console page answers a 503 console page in the browser\'s language at once, JSON callers get JSON, and the pages come back once Redis does', async () => {
    const visitor = new StaffBrowser(ctx.staffApp);
    const signInToken = await visitor.token('/staff/login');
    await redis.stop();

    for (const lang of ['en', 'es', 'fr', 'ar'] as Lang[]) {
      const t = staffTranslator(lang);
      const find = englishDetector(lang, NAMES);
      admin.acceptLanguage = lang;
      for (const page of PAGES) {
        const { res, ms } = await timed(() => admin.get(page));
        expect([page, lang, res.status, ms < FAST_MS]).toEqual([page, lang, 503, true]);
        expect(res.headers['retry-after']).toBe('5');
        expect(res.headers.refresh).toBe(`5; url=${page}`);
        expect(res.text).toContain(`<html lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">`);
        expect(res.text).toContain(`<meta http-equiv="refresh" content="5; url=${page}">`);
        for (const key of ['away.title', 'away.works', 'away.cannot', 'away.it'] as const) expect(res.text).toContain(t(key));
        // Nothing the CSP forbids or the patron's wording: no script at all, no "one moment".
        expect(res.text).not.toMatch(/<script|wait-message/);
        if (lang !== 'en') expect([page, find(res.text)]).toEqual([page, { sentences: [], words: {} }]);
      }
    }

    // A JSON caller: a JSON 503 with a message and Retry-After, in the language it asked for.
    const { res: json, ms } = await timed(() => request(ctx.staffApp).get('/staff/sessions').set('Accept', 'application/json').set('Accept-Language', 'fr'));
    expect([json.status, json.type, json.headers['retry-after'], ms < FAST_MS]).toEqual([503, 'application/json', '5', true]);
    expect(json.body).toEqual({ error: { code: 'store_unavailable', message: staffTranslator('fr')('away.json', { seconds: 5 }) } });

    // Signing in meanwhile: the same page (with "nothing was saved"), not a 500 and not a long wait.
    visitor.acceptLanguage = 'es';
    const { res: signIn, ms: signInMs } = await timed(() => visitor.post('/staff/login', { _csrf: signInToken, username: 'ada', password: 'correct horse battery' }));
    expect([signIn.status, signInMs < FAST_MS, signIn.headers.refresh]).toEqual([503, true, '5; url=/staff']);
    expect(signIn.text).toContain(staffTranslator('es')('away.nothingSaved'));

    await redis.start();
    admin.acceptLanguage = 'en';
    const back = await waitFor(() => admin.get('/staff/sessions'), (r) => r.status === 200, { timeoutMs: 40_000, intervalMs: 250 });
    expect(back.status).toBe(200);
    // Still signed in: the console session was kept in the store.
    expect(back.text).toContain('ada');
  });

  test('when Redis is frozen (a stalled failover), then the first page waits at most the breaker\'s limit and the next ones answer at once', async () => {
    redis.freeze();
    const first = await timed(() => admin.get('/staff/sessions'));
    // The PING waits the breaker's limit (storeTimeoutMs, 1 s), not the client's 2.5 s.
    expect([first.res.status, first.ms < ctx.deps.config.storeTimeoutMs + FAST_MS]).toEqual([503, true]);
    expect(ctx.deps.sessions.breaker.away).toBe(true);
    const next = await timed(() => admin.get('/staff/passes'));
    expect([next.res.status, next.ms < FAST_MS]).toEqual([503, true]);
    redis.thaw();
    expect((await waitFor(() => admin.get('/staff/sessions'), (r) => r.status === 200, { timeoutMs: 40_000, intervalMs: 250 })).status).toBe(200);
  });

  test('when a staff member chose French on their account, then the page is in French though the browser asks for English; a language link still wins', async () => {
    expect((await admin.submit('/staff', '/staff/language', { lang: 'fr', back: '/staff' })).status).toBe(303);
    expect((await admin.get('/staff')).text).toContain('<html lang="fr"');
    await redis.stop();
    admin.acceptLanguage = 'en';
    const page = await admin.get('/staff/sessions');
    expect([page.status, page.text.includes('<html lang="fr" dir="ltr">'), page.text.includes(staffTranslator('fr')('away.title'))]).toEqual([503, true, true]);
    const asked = await admin.get('/staff/login?lang=ar');
    expect([asked.status, asked.text.includes('<html lang="ar" dir="rtl">')]).toEqual([503, true]);
  });

  test('when desk forms are sent while Redis is stopped, then none of them changes anything, each says nothing was saved, and they work once Redis is back', async () => {
    const patron = new Patron(ctx.app, '10.0.9.1', '02:00:00:00:09:01');
    await patron.accept();
    const live = (await ctx.deps.store.getSession(ctx.deps.sessions.lookup(patron.ip)!.record.id))!;
    const before = { endsAt: live.endsAt, usage: await ctx.deps.store.getUsage(live.day, live.pseudonym), audit: (await ctx.deps.store.staff.listAudit(100)).length };
    // The forms are on the staff member's screen (tokens read) before the store goes.
    const sessionsToken = await admin.token(`/staff/sessions?code=${live.code}`);
    const deskToken = await admin.token('/staff/passes/desk');
    await redis.stop();

    const t = staffTranslator('en');
    const forms: [string, Record<string, string>][] = [
      ['/staff/sessions/extend', { _csrf: sessionsToken, code: live.code, minutes: '15' }],
      ['/staff/sessions/end', { _csrf: sessionsToken, code: live.code, confirm: 'yes' }],
      ['/staff/help-time', { _csrf: sessionsToken, code: 'K7QM2P', minutes: '15' }],
      ['/staff/passes/desk', { _csrf: deskToken, count: '1', minutes: '30' }],
    ];
    for (const [action, fields] of forms) {
      const { res, ms } = await timed(() => admin.post(action, fields));
      expect([action, res.status, ms < FAST_MS]).toEqual([action, 503, true]);
      expect(res.text).toContain(t('away.nothingSaved'));
      expect(res.headers.refresh).toBe('5; url=/staff');
    }
    // The patron is still online here all along (branch autonomy).
    expect(ctx.deps.sessions.lookup(patron.ip)?.record.id).toBe(live.id);

    await redis.start();
    await waitFor(() => admin.get('/staff/sessions'), (r) => r.status === 200, { timeoutMs: 40_000, intervalMs: 250 });
    // Nothing of any form was applied: the same end, the same charge, no pass, no audit entry.
    expect((await ctx.deps.store.getSession(live.id))?.endsAt).toBe(before.endsAt);
    expect(await ctx.deps.store.getUsage(live.day, live.pseudonym)).toBe(before.usage);
    expect(await ctx.deps.store.staff.listPassBatches()).toEqual([]);
    expect(await ctx.deps.store.staff.listAudit(100)).toHaveLength(before.audit);
    // And the same form now goes through.
    const extended = await admin.submit(`/staff/sessions?code=${live.code}`, '/staff/sessions/extend', { code: live.code, minutes: '15' });
    expect(extended.status).toBe(303);
    expect((await ctx.deps.store.getSession(live.id))?.endsAt).toBeGreaterThan(before.endsAt);
  });

  test('when Redis stops just after a desk pass is stored, then the staff member gets the sheet, and the audit entry is written once when Redis is back', async () => {
    const staffStore = ctx.deps.store.staff;
    const append = staffStore.appendAudit.bind(staffStore);
    // The store goes away between the pass batch (saved) and its audit entry.
    staffStore.appendAudit = async (entry, expiresAt) => {
      staffStore.appendAudit = append;
      await redis.stop();
      return append(entry, expiresAt);
    };
    const sheet = await admin.submit('/staff/passes/desk', '/staff/passes/desk', { count: '1', minutes: '30' });
    expect([sheet.status, CARD.test(sheet.text)]).toEqual([200, true]);
    expect(ctx.deps.staff.audit.waiting).toBe(1);

    await redis.start();
    const entries = await waitFor(
      async () => (await admin.get('/staff/audit')).status === 200 ? (await ctx.deps.store.staff.listAudit(100)).filter((e) => e.action === 'passes.desk-pass') : [],
      (found) => found.length > 0,
      { timeoutMs: 40_000, intervalMs: 250 },
    );
    // One entry (the late write and the one that waited are the same), and the pass is there.
    expect(entries).toHaveLength(1);
    expect(ctx.deps.staff.audit.waiting).toBe(0);
    expect((await ctx.deps.store.staff.listPassBatches()).map((b) => b.count)).toEqual([1]);
  });

  test('when Redis stops while a session is being extended, then the answer is a 503 that says it may be saved (not "nothing was saved"), and the time and its charge come whole or not at all', async () => {
    const patron = new Patron(ctx.app, '10.0.9.2', '02:00:00:00:09:02');
    await patron.accept();
    const live = (await ctx.deps.store.getSession(ctx.deps.sessions.lookup(patron.ip)!.record.id))!;
    const usedBefore = await ctx.deps.store.getUsage(live.day, live.pseudonym);
    const token = await admin.token(`/staff/sessions?code=${live.code}`);
    const setEnd = ctx.deps.store.setSessionEnd.bind(ctx.deps.store);
    let inStore: Promise<unknown> = Promise.resolve();
    // Redis stops as the session's new end is sent (after any read of the form's checks).
    ctx.deps.store.setSessionEnd = async (...args) => {
      ctx.deps.store.setSessionEnd = setEnd;
      await redis.stop();
      const sent = setEnd(...args);
      inStore = sent.catch(() => undefined);
      return sent;
    };
    const res = await admin.post('/staff/sessions/extend', { _csrf: token, code: live.code, minutes: '15' });
    const t = staffTranslator('en');
    expect([res.status, res.text.includes(t('away.maybeSaved')), res.text.includes(t('away.nothingSaved'))]).toEqual([503, true, false]);
    // The console gave up at once; the store client gives up on that change later (its own
    // timeout): only then does Redis come back, so nothing of the change is still on its way.
    await inStore;
    await redis.start();
    expect((await waitFor(() => admin.get('/staff/sessions'), (r) => r.status === 200, { timeoutMs: 40_000, intervalMs: 250 })).status).toBe(200);
    // Not half-applied: the charge of the day's allowance is exactly the time the session gained.
    const after = await ctx.deps.store.getSession(live.id);
    const charged = (await ctx.deps.store.getUsage(live.day, live.pseudonym)) - usedBefore;
    expect(charged).toBe((after!.endsAt - live.endsAt) / 1000);
  });

  test('when Redis stops just after a session is ended, then the staff member is told it ended, its unused time was given back in the same step, and the audit entry follows', async () => {
    const patron = new Patron(ctx.app, '10.0.9.4', '02:00:00:00:09:04');
    await patron.accept();
    const live = (await ctx.deps.store.getSession(ctx.deps.sessions.lookup(patron.ip)!.record.id))!;
    const usedBefore = await ctx.deps.store.getUsage(live.day, live.pseudonym);
    const token = await admin.token(`/staff/sessions?code=${live.code}`);
    const take = ctx.deps.store.takeSession.bind(ctx.deps.store);
    ctx.deps.store.takeSession = async (...args) => {
      ctx.deps.store.takeSession = take;
      const taken = await take(...args);
      await redis.stop();
      return taken;
    };
    const res = await admin.post('/staff/sessions/end', { _csrf: token, code: live.code, confirm: 'yes' });
    expect([res.status, res.headers.location]).toEqual([303, '/staff/sessions?notice=ended']);
    expect(ctx.deps.sessions.lookup(patron.ip)).toBeUndefined();

    await redis.start();
    await waitFor(() => admin.get('/staff/audit'), (r) => r.status === 200, { timeoutMs: 40_000, intervalMs: 250 });
    expect(await ctx.deps.store.getSession(live.id)).toBeUndefined();
    // The whole hour was unused (the clock stands still): all of it given back.
    expect(usedBefore - (await ctx.deps.store.getUsage(live.day, live.pseudonym))).toBe((live.endsAt - ctx.clock.now()) / 1000);
    expect((await ctx.deps.store.staff.listAudit(100)).filter((e) => e.action === 'session.end')).toHaveLength(1);
  });

  test('when the store was away at this gateway\'s first use of a pass, then staff can give passes once it is back', async () => {
    await redis.stop();
    // The first pass this gateway checks is typed just as the store goes: its secret cannot be read.
    await expect(ctx.deps.staff.passes.redeem({ ip: '10.0.9.3', mac: '02:00:00:00:09:03' }, 'ABCD2345')).rejects.toThrow();
    await redis.start();
    // The form's page first: while it still answers 503 it carries no token, and a post sent
    // with none is refused (403) if the store is back by the time it arrives.
    await waitFor(() => admin.get('/staff/passes/desk'), (r) => r.status === 200, { timeoutMs: 40_000, intervalMs: 250 });
    const sheet = await admin.submit('/staff/passes/desk', '/staff/passes/desk', { count: '1', minutes: '30' });
    expect([sheet.status, CARD.test(sheet.text)]).toEqual([200, true]);
  });
});
