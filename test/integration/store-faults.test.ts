// The store going away under the staff console and the patron's pass forms, on a real
// redis-server of the test's own (stopped, or frozen mid-request): every answer is a page below
// 500 that says what to do (the console's own "store away" page, the patron's translated "one
// moment" page, each trying again by itself), and nothing
// acknowledged is lost once the store is back.
import request from 'supertest';
import { makeStaffApp, signedIn, type StaffBrowser, type StaffContext } from '../helpers/staff';
import { startOwnRedis, type OwnRedis } from '../helpers/own-redis';

jest.setTimeout(90_000);
const CONFIG = {
  storeTimeoutMs: 1500,
  zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.4.0.0/16'], policy: { sessionMinutes: 60, dailyMinutes: 60 } }],
};
const CARD = /<p class="pass-code">([2-9A-Z]{4}-[2-9A-Z]{4})<\/p>/;
/** A few of each kind, sent at once. */
const STAFF_PAGES = ['/staff', '/staff/sessions', '/staff/passes/desk'];

/** A page that is not a 5xx and says something a person can act on. */
function expectAnswer(res: request.Response, at: string): void {
  const said = res.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
  expect({ at, status: res.status, server: /Something went wrong on our side/i.test(said) }).toEqual({ at, status: expect.any(Number), server: false });
  expect({ at, ok: res.status < 500 || res.status === 503 }).toEqual({ at, ok: true });
}

async function pageToken(ctx: StaffContext, client: string, url = '/'): Promise<{ cookie: string; token: string }> {
  const page = await request(ctx.app).get(url).set('X-Test-Client', client).set('Accept', 'text/html');
  const cookie = ((page.headers['set-cookie'] as unknown as string[] | undefined) ?? []).map((c) => c.split(';')[0]).join('; ');
  return { cookie, token: /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '' };
}

describe('store faults under the console and the pass forms', () => {
  let redis: OwnRedis;
  let ctx: StaffContext;
  let staff: StaffBrowser;
  beforeEach(async () => {
    redis = await startOwnRedis();
    ctx = await makeStaffApp({ config: { ...CONFIG, redisUrl: redis.url } });
    staff = await signedIn(ctx, 'sam', 'admin');
  });
  afterEach(async () => {
    redis.thaw();
    await ctx.close().catch(() => undefined);
    await redis.destroy();
  });

  test('when the store is stopped, then every console page and form answers the console\'s 503 "store away" page, not a 500 nor the patron\'s page', async () => {
    const token = await staff.token('/staff/sessions');
    await redis.stop();
    const note = (at: string, res: request.Response): [string, number, boolean] => [at, res.status, /The shared store is not answering/.test(res.text) && !/One moment/.test(res.text)];
    const forms: [string, Record<string, string>][] = [
      ['/staff/help-time', { code: 'K7QM2P', minutes: '30' }],
      ['/staff/passes/desk', { count: '1', minutes: '30' }],
      ['/staff/policies/wifi', { accessMode: 'click-through', sessionMinutes: '30', dailyMinutes: '60', idleMinutes: '15', warningMinutes: '5', alwaysOpen: 'on' }],
      ['/staff/logout', {}],
    ];
    const answers = await Promise.all([
      ...STAFF_PAGES.map(async (url) => note(url, await staff.get(url))),
      ...forms.map(async ([action, fields]) => note(action, await staff.post(action, { _csrf: token, ...fields }))),
    ]);
    expect(answers.filter(([, status, says]) => status !== 503 || !says)).toEqual([]);
  });

  test('when the store is stopped, then a patron typing a desk pass or pressing for help time gets the translated "one moment" page', async () => {
    const sheet = await staff.submit('/staff/passes/desk', '/staff/passes/desk', { count: '1', minutes: '30' });
    const code = CARD.exec(sheet.text)![1]!;
    const client = '10.4.0.7,02:00:00:00:04:07';
    const { cookie, token } = await pageToken(ctx, client, '/?lang=fr');
    await redis.stop();
    for (const [action, fields] of [['/redeem', { code }], ['/help-time', {}]] as const) {
      const res = await request(ctx.app).post(`${action}?lang=fr`).set('X-Test-Client', client).set('Accept', 'text/html').set('Cookie', cookie).type('form').send({ _csrf: token, ...fields });
      expect({ action, status: res.status }).toEqual({ action, status: 503 });
      expect(res.headers.refresh).toMatch(/^\d+; url=/);
      expect(res.text).toMatch(/lang="fr"/);
    }
  });

  test('when the store freezes while a desk pass is redeemed, then the patron is told to wait, and once it is back the pass still works', async () => {
    const sheet = await staff.submit('/staff/passes/desk', '/staff/passes/desk', { count: '1', minutes: '30' });
    const code = CARD.exec(sheet.text)![1]!;
    const client = '10.4.0.8,02:00:00:00:04:08';
    const { cookie, token } = await pageToken(ctx, client);
    const send = () => request(ctx.app).post('/redeem').set('X-Test-Client', client).set('Accept', 'text/html').set('Cookie', cookie).type('form').send({ _csrf: token, code });
    // The store freezes just as the claim is sent (after the page's other reads answered).
    const staffStore = ctx.deps.store.staff;
    const claim = staffStore.claimPass.bind(staffStore);
    staffStore.claimPass = (hash, now) => {
      redis.freeze();
      staffStore.claimPass = claim;
      return claim(hash, now);
    };
    const waited = await send();
    redis.thaw();
    expectAnswer(waited, 'redeem while frozen');
    // Either it went through (the patron is online) or the patron was told to wait: then, once
    // the store answers, the same pass must still work (it was not used for nothing).
    if (ctx.deps.sessions.lookup('10.4.0.8')) return;
    expect(waited.status).toBe(503);
    // The store answers again (the late claim has landed) and this gateway no longer fails fast.
    await ctx.deps.staff.passes.list();
    for (let i = 0; i < 200 && ctx.deps.sessions.storeAway; i++) await new Promise((r) => setTimeout(r, 50));
    const again = await send();
    expect([again.status, again.headers.location]).toEqual([303, '/status']);
  });
});
