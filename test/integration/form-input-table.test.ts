// Bad input past the CSRF check: every form route of the portal and the staff console gets,
// with a valid token (and signed in), repeated fields (Express 5 gives arrays), nested fields,
// bytes that are not UTF-8, overlong values and a body over the limit; every page gets its
// query parameters twice. Each answer is below 500 and, to a browser, an HTML page that says
// something; the fuzz in route-fuzz.test.ts never gets past the token, this table does.
import request from 'supertest';
import type { Express } from 'express';
import { makeStaffApp, signedIn, type StaffBrowser, type StaffContext } from '../helpers/staff';

/** Each form route and the fields its form has (a route without fields gets a stray one). */
const PORTAL_POSTS: Record<string, string[]> = { '/accept': ['accept'], '/extend': ['x'], '/redeem': ['code'], '/help-time': ['x'], '/logout': ['x'] };
const POLICY = ['accessMode', 'sessionMinutes', 'dailyMinutes', 'idleMinutes', 'warningMinutes', 'allowExtend', 'closures', 'hours_mon'];
const STAFF_POSTS: Record<string, string[]> = {
  '/staff/accounts': ['username', 'role', 'password', 'password2'],
  '/staff/accounts/nobody/password': ['password', 'password2'],
  '/staff/accounts/nobody/remove': ['confirm'],
  '/staff/help-time': ['code', 'minutes'],
  '/staff/passes': ['count', 'minutes', 'validUntil', 'label'],
  '/staff/passes/x/revoke': ['confirm'],
  '/staff/passes/desk': ['count', 'minutes'],
  '/staff/password': ['current', 'password', 'password2'],
  '/staff/policies/wifi': POLICY,
  '/staff/policies/nozone': POLICY,
  '/staff/sessions/end': ['code', 'confirm'],
  '/staff/sessions/extend': ['code', 'minutes'],
  '/staff/login': ['username', 'password', 'next'],
};
/** Bad bodies for a form of these fields. */
const BODIES: [string, (fields: string[]) => string][] = [
  ['repeated fields', (fs) => fs.map((f) => `${f}=1&${f}=2`).join('&')],
  ['bracketed fields', (fs) => fs.map((f) => `${f}[]=1&${f}[a]=2`).join('&')],
  ['bytes that are not UTF-8', (fs) => fs.map((f) => `${f}=%FF%FE%C3%28`).join('&')],
  ['broken percent-escapes', (fs) => fs.map((f) => `${f}=%E2%82&%ZZ=1`).join('&')],
  ['odd numbers', (fs) => fs.map((f) => `${f}=1e999`).join('&')],
  ['control characters', (fs) => fs.map((f) => `${f}=%00%1B%0D%0A`).join('&')],
  ['overlong values', (fs) => fs.map((f) => `${f}=${'A'.repeat(Math.floor(7000 / fs.length))}`).join('&')],
  ['too many fields', () => Array.from({ length: 40 }, (_, i) => `f${i}=1`).join('&')],
  ['a body over the limit', () => `code=${'A'.repeat(3_000_000)}`],
];
const STAFF_PAGES = ['/staff', '/staff/accounts', '/staff/accounts/ada', '/staff/audit', '/staff/passes', '/staff/passes/desk', '/staff/password', '/staff/policies', '/staff/policies/wifi', '/staff/sessions', '/staff/stats', '/staff/stats/zone/wifi'];
const PORTAL_PAGES = ['/', '/status', '/learn', '/learn/safe-browsing', '/privacy', '/logged-out', '/session', '/api/captive'];
const TWICE = '?lang=fr&lang=ar&notice=given&notice=x&revoked=1&revoked=2&zone=wifi&zone=kiosk&from=2026-11-01&from=x&to=2026-11-02&to=y&next=/&next=//evil.example&offset=1&offset=2&page=1&page=2';

function expectActionable(res: request.Response, at: string): void {
  expect({ at, status: res.status < 500 }).toEqual({ at, status: true });
  if (res.status >= 400 && res.status !== 404 && res.status !== 405) {
    expect({ at, type: res.headers['content-type'] }).toEqual({ at, type: expect.stringMatching(/text\/html/) });
    const said = res.text.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
    expect({ at, says: said.length > 20 }).toEqual({ at, says: true });
  }
}

function post(app: Express, action: string, client: string, cookie: string, token: string, body: string) {
  return request(app).post(action).set('X-Test-Client', client).set('Accept', 'text/html').set('Cookie', cookie).type('form').send(`_csrf=${encodeURIComponent(token)}&${body}`);
}

describe.each([
  ['sqlite', false],
  ['redis', true],
])('form input past the token, on %s', (_name, redis) => {
  let ctx: StaffContext;
  let admin: StaffBrowser;
  beforeAll(async () => {
    ctx = await makeStaffApp({
      redis,
      config: { zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.0.0.0/8'], policy: { sessionMinutes: 60, dailyMinutes: 60 } }] },
    });
    admin = await signedIn(ctx, 'ada', 'admin');
  });
  afterAll(() => ctx.close());

  it.each(BODIES)('when every patron form gets %s with a valid token, then each answer is a page below 500', async (_what, body) => {
    for (const [action, fields] of Object.entries(PORTAL_POSTS)) {
      const client = '10.9.0.1,02:00:00:00:09:01';
      const page = await request(ctx.app).get('/').set('X-Test-Client', client).set('Accept', 'text/html');
      const cookie = ((page.headers['set-cookie'] as unknown as string[] | undefined) ?? []).map((c) => c.split(';')[0]).join('; ');
      const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
      expectActionable(await post(ctx.app, action, client, cookie, token, body(fields)), `${action} with ${_what}`);
      await ctx.deps.sessions.end(ctx.deps.sessions.lookup('10.9.0.1')?.record.id ?? 'none', 'logout').catch(() => undefined);
    }
  });

  it.each(BODIES)('when every staff form gets %s with a valid token, signed in, then each answer is a page below 500', async (_what, body) => {
    for (const [action, fields] of Object.entries(STAFF_POSTS)) {
      const token = await admin.token('/staff/sessions');
      const cookie = [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      expectActionable(await post(ctx.staffApp, action, admin.ip, cookie, token, body(fields)), `${action} with ${_what}`);
    }
    expect((await admin.get('/staff')).status).toBe(200);
  });

  it('when every page gets its query parameters twice, then each answer is below 500', async () => {
    for (const url of STAFF_PAGES) expectActionable(await admin.get(url + TWICE), url);
    for (const url of PORTAL_PAGES) {
      expectActionable(await request(ctx.app).get(url + TWICE).set('X-Test-Client', '10.9.0.2').set('Accept', 'text/html'), url);
    }
  });
});
