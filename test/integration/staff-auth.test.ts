// Staff sign-in: the session cookie, sign-out, inactivity expiry, lockout, rate limit, CSRF and
// the first-run setup page.
import request from 'supertest';
import { createApp } from '../../src/app';
import { LOCKOUT_FAILURES, LOCKOUT_MS } from '../../src/staff/account-service';
import { tokenHash, STAFF_COOKIE } from '../../src/staff/staff-sign-ins';
import { LOGIN_ATTEMPTS } from '../../src/staff/login-rate-limit';
import { addAccount, makeStaffApp, PASSWORD, signedIn, StaffBrowser, type StaffContext } from '../helpers/staff';

describe('staff sign-in', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when a staff member signs in, then the cookie is HttpOnly, SameSite=Strict, scoped to /staff and only its hash is stored', async () => {
    ctx = await makeStaffApp();
    await addAccount(ctx, 'ada', 'admin');
    const b = new StaffBrowser(ctx.staffApp);
    const res = await b.login('ada');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith(`${STAFF_COOKIE}=`))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\/staff/);
    expect(cookie).not.toMatch(/Secure/);
    const token = b.cookies.get(STAFF_COOKIE)!;
    expect(await ctx.deps.store.staff.getConsoleSession(token)).toBeUndefined();
    expect(await ctx.deps.store.staff.getConsoleSession(tokenHash(token))).toMatchObject({ username: 'ada' });
    const home = await b.get('/staff');
    expect(home.status).toBe(200);
    expect(home.text).toContain('<bdi>ada</bdi> · admin');
  });

  it('when the app is served over HTTPS, then the session cookie is Secure too', async () => {
    ctx = await makeStaffApp();
    await addAccount(ctx, 'ada', 'admin');
    const b = new StaffBrowser(createApp(ctx.deps, { surfaces: ['staff'], secure: true }));
    const res = await b.login('ada');
    const cookie = (res.headers['set-cookie'] as unknown as string[]).find((c) => c.startsWith(`${STAFF_COOKIE}=`))!;
    expect(cookie).toMatch(/Secure/);
  });

  it('when the password is wrong, then the form comes back with a message and the user name kept', async () => {
    ctx = await makeStaffApp();
    await addAccount(ctx, 'ada', 'admin');
    const res = await new StaffBrowser(ctx.staffApp).login('ada', 'wrong password!');
    expect(res.status).toBe(401);
    expect(res.text).toContain('The user name or password is not right');
    expect(res.text).toContain('value="ada"');
  });

  it('when fields are missing, then each gets its own message', async () => {
    ctx = await makeStaffApp();
    const b = new StaffBrowser(ctx.staffApp);
    const res = await b.submit('/staff/login', '/staff/login', { username: '', password: '' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Enter your user name.');
    expect(res.text).toContain('Enter your password.');
  });

  it('when an account fails too often, then it is locked even for the right password, until the lockout passes', async () => {
    ctx = await makeStaffApp();
    await addAccount(ctx, 'ada', 'admin');
    for (let i = 0; i < LOCKOUT_FAILURES; i++) {
      // Different computers, so the per-client rate limit does not step in first.
      expect((await new StaffBrowser(ctx.staffApp, `192.0.2.${i + 20}`).login('ada', 'wrong password!')).status).toBe(401);
    }
    const locked = await new StaffBrowser(ctx.staffApp, '192.0.2.99').login('ada');
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('Too many failed sign-ins for this account');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    const audit = await ctx.deps.staff.audit.list(10);
    expect(audit.map((e) => e.action)).toContain('staff.locked');
    ctx.clock.advance(LOCKOUT_MS + 1000);
    expect((await new StaffBrowser(ctx.staffApp, '192.0.2.99').login('ada')).status).toBe(303);
  });

  it('when one computer keeps failing, then it is rate limited (429) whatever the account', async () => {
    ctx = await makeStaffApp();
    const b = new StaffBrowser(ctx.staffApp, '192.0.2.50');
    for (let i = 0; i < LOGIN_ATTEMPTS; i++) expect((await b.login(`nobody${i}`, 'wrong password!')).status).toBe(401);
    const res = await b.login('nobody-else', 'wrong password!');
    expect(res.status).toBe(429);
    expect(res.text).toContain('Too many failed attempts from this computer');
    // Another computer is not affected.
    expect((await new StaffBrowser(ctx.staffApp, '192.0.2.51').login('x', 'wrong password!')).status).toBe(401);
  });

  it('when the store is Redis and the gateways share a limiter key, then two consoles (two gateways) share one count of failed attempts', async () => {
    ctx = await makeStaffApp({ redis: true, config: { staffLimiterKey: 'k'.repeat(40) } });
    const otherGateway = createApp(ctx.deps, { surfaces: ['staff'] });
    for (let i = 0; i < LOGIN_ATTEMPTS; i++) expect((await new StaffBrowser(ctx.staffApp, '192.0.2.60').login(`n${i}`, 'wrong password!')).status).toBe(401);
    const res = await new StaffBrowser(otherGateway, '192.0.2.60').login('n-last', 'wrong password!');
    expect(res.status).toBe(429);
  });

  it('when a form is posted without its token, then it is refused with 403 and nothing happens', async () => {
    ctx = await makeStaffApp();
    await addAccount(ctx, 'ada', 'admin');
    const noToken = await new StaffBrowser(ctx.staffApp).post('/staff/login', { username: 'ada', password: PASSWORD });
    expect(noToken.status).toBe(403);
    expect(noToken.text).toContain('This form has expired');
    const b = await signedIn(ctx, 'bob', 'admin');
    const forged = await b.post('/staff/passes', { _csrf: 'forged', count: '5', minutes: '60', validUntil: '2026-11-20' });
    expect(forged.status).toBe(403);
    expect(await ctx.deps.staff.passes.list()).toEqual([]);
  });

  it('when a token from one signed-in session is used in another, then it is refused', async () => {
    ctx = await makeStaffApp();
    const a = await signedIn(ctx, 'ada', 'admin');
    const b = await signedIn(ctx, 'bob', 'admin');
    const tokenOfA = await a.token('/staff/passes');
    const res = await b.post('/staff/passes', { _csrf: tokenOfA, count: '5', minutes: '60', validUntil: '2026-11-20' });
    expect(res.status).toBe(403);
  });

  it('when a staff member signs out, then the session is gone from the store and the cookie no longer works', async () => {
    ctx = await makeStaffApp();
    const b = await signedIn(ctx, 'ada', 'staff');
    const token = b.cookies.get(STAFF_COOKIE)!;
    const out = await b.submit('/staff', '/staff/logout');
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/staff/login?notice=signed-out');
    expect(await ctx.deps.store.staff.getConsoleSession(tokenHash(token))).toBeUndefined();
    b.cookies.set(STAFF_COOKIE, token);
    expect((await b.get('/staff')).status).toBe(303);
  });

  it('when a signed-in staff member is inactive past the timeout, then they must sign in again; activity slides it', async () => {
    ctx = await makeStaffApp({ config: { staffSessionIdleMinutes: 20 } });
    const b = await signedIn(ctx, 'ada', 'staff');
    ctx.clock.advance(15 * 60_000);
    expect((await b.get('/staff')).status).toBe(200);
    ctx.clock.advance(15 * 60_000);
    expect((await b.get('/staff')).status).toBe(200);
    ctx.clock.advance(21 * 60_000);
    const res = await b.get('/staff/sessions');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff/login?next=%2Fstaff%2Fsessions');
  });

  it('when the timeout is 1 minute and a member is active every 15 s, then they stay signed in, and are signed out a minute after the last request', async () => {
    ctx = await makeStaffApp({ config: { staffSessionIdleMinutes: 1 } });
    const b = await signedIn(ctx, 'ada', 'staff');
    for (let i = 0; i < 12; i++) {
      ctx.clock.advance(15_000);
      expect((await b.get('/staff')).status).toBe(200);
    }
    ctx.clock.advance(54_000);
    expect((await b.get('/staff')).status).toBe(200);
    ctx.clock.advance(61_000);
    expect((await b.get('/staff')).status).toBe(303);
  });

  it('when signing in from a link to a page, then the page opens afterwards, and only console pages are followed', async () => {
    ctx = await makeStaffApp();
    await addAccount(ctx, 'ada', 'staff');
    const b = new StaffBrowser(ctx.staffApp);
    const ok = await b.submit('/staff/login?next=%2Fstaff%2Fpasses', '/staff/login', { username: 'ada', password: PASSWORD, next: '/staff/passes' });
    expect(ok.headers.location).toBe('/staff/passes');
    const c = new StaffBrowser(ctx.staffApp);
    const evil = await c.submit('/staff/login', '/staff/login', { username: 'ada', password: PASSWORD, next: '//evil.example/staff' });
    expect(evil.headers.location).toBe('/staff');
  });

  it('when an account is removed, then its open sessions stop working at once', async () => {
    ctx = await makeStaffApp();
    await addAccount(ctx, 'root', 'admin');
    const b = await signedIn(ctx, 'ada', 'staff');
    await ctx.deps.staff.accounts.remove('root', 'ada');
    expect((await b.get('/staff')).status).toBe(303);
  });
});

describe('first-run setup', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when no admin exists, then the printed token creates the first admin once, and the link is dead afterwards', async () => {
    ctx = await makeStaffApp();
    const token = await ctx.deps.staff.setup.issueIfNeeded();
    expect(token).toMatch(/^[\w-]{32}$/);
    const b = new StaffBrowser(ctx.staffApp);
    const form = await b.get(`/staff/setup?token=${token}`);
    expect(form.status).toBe(200);
    const res = await b.submit(`/staff/setup?token=${token}`, '/staff/setup', { token: token!, username: 'Head.Librarian', password: PASSWORD, password2: PASSWORD });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff');
    expect((await b.get('/staff')).text).toContain('<bdi>head.librarian</bdi> · admin');
    expect(await ctx.deps.staff.setup.issueIfNeeded()).toBeUndefined();
    const again = await new StaffBrowser(ctx.staffApp).get(`/staff/setup?token=${token}`);
    expect(again.status).toBe(410);
    expect(again.text).toContain('Setup is finished');
  });

  it('when the token is wrong or missing, then setup is refused with a message saying where the link comes from', async () => {
    ctx = await makeStaffApp();
    await ctx.deps.staff.setup.issueIfNeeded();
    const res = await new StaffBrowser(ctx.staffApp).get('/staff/setup?token=guess');
    expect(res.status).toBe(403);
    expect(res.text).toContain('Use the link Threshold printed when it started');
    expect((await new StaffBrowser(ctx.staffApp).get('/staff/setup')).status).toBe(403);
  });

  it('when the setup form has problems, then it comes back with each message, and the token still works', async () => {
    ctx = await makeStaffApp();
    const token = (await ctx.deps.staff.setup.issueIfNeeded())!;
    const b = new StaffBrowser(ctx.staffApp);
    const mismatch = await b.submit(`/staff/setup?token=${token}`, '/staff/setup', { token, username: 'ada', password: PASSWORD, password2: 'something else' });
    expect(mismatch.status).toBe(400);
    expect(mismatch.text).toContain('The two passwords are not the same');
    expect(mismatch.text).toContain('value="ada"');
    const short = await b.submit(`/staff/setup?token=${token}`, '/staff/setup', { token, username: 'ada', password: 'short', password2: 'short' });
    expect(short.status).toBe(400);
    expect(short.text).toContain('Use at least 10 characters');
    const badName = await b.submit(`/staff/setup?token=${token}`, '/staff/setup', { token, username: 'a b', password: PASSWORD, password2: PASSWORD });
    expect(badName.text).toContain('lower-case letters');
    const ok = await b.submit(`/staff/setup?token=${token}`, '/staff/setup', { token, username: 'ada', password: PASSWORD, password2: PASSWORD });
    expect(ok.status).toBe(303);
  });

  it('when an admin already exists, then no token is issued', async () => {
    ctx = await makeStaffApp();
    await addAccount(ctx, 'ada', 'admin');
    expect(await ctx.deps.staff.setup.issueIfNeeded()).toBeUndefined();
    const res = await request(ctx.staffApp).get('/staff/login').set('Accept', 'text/html');
    expect(res.text).not.toContain('No admin account exists yet');
  });
});
