// Staff accounts from the console (admin only) and the audit log of staff actions.
import { verifyPassword } from '../../src/staff/passwords';
import { makeStaffApp, PASSWORD, signedIn, StaffBrowser, type StaffContext } from '../helpers/staff';

describe('staff accounts', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when an admin adds a staff account, then it is stored with an argon2id hash and can sign in', async () => {
    ctx = await makeStaffApp();
    const admin = await signedIn(ctx, 'ada', 'admin');
    const res = await admin.submit('/staff/accounts', '/staff/accounts', { username: 'Sam', role: 'staff', password: PASSWORD, password2: PASSWORD });
    expect(res.status).toBe(303);
    expect((await admin.get('/staff/accounts?notice=added')).text).toContain('The account was added.');
    const stored = await ctx.deps.store.staff.getAccount('sam');
    expect(stored?.role).toBe('staff');
    expect(stored?.passwordHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(stored?.passwordHash).not.toContain(PASSWORD);
    expect(await verifyPassword(stored!.passwordHash, PASSWORD)).toBe(true);
    expect((await new StaffBrowser(ctx.staffApp).login('sam')).status).toBe(303);
  });

  it('when the add form has problems, then each field says so and the name and role are kept', async () => {
    ctx = await makeStaffApp();
    const admin = await signedIn(ctx, 'ada', 'admin');
    const taken = await admin.submit('/staff/accounts', '/staff/accounts', { username: 'ada', role: 'admin', password: PASSWORD, password2: PASSWORD });
    expect(taken.status).toBe(400);
    expect(taken.text).toContain('There is already an account named &#34;ada&#34;.');
    const short = await admin.submit('/staff/accounts', '/staff/accounts', { username: 'sam', role: 'admin', password: 'short', password2: 'short' });
    expect(short.text).toContain('Use at least 10 characters');
    expect(short.text).toContain('value="sam"');
    expect(short.text).toMatch(/value="admin" checked/);
    const role = await admin.submit('/staff/accounts', '/staff/accounts', { username: 'sam', role: 'root', password: PASSWORD, password2: PASSWORD });
    expect(role.text).toContain('Choose a role: staff or admin.');
  });

  it('when an admin resets a password, then the old one stops working and the account is signed out', async () => {
    ctx = await makeStaffApp();
    const admin = await signedIn(ctx, 'ada', 'admin');
    const sam = await signedIn(ctx, 'sam', 'staff');
    const newPassword = 'a brand new passphrase';
    const res = await admin.submit('/staff/accounts/sam', '/staff/accounts/sam/password', { password: newPassword, password2: newPassword });
    expect(res.headers.location).toBe('/staff/accounts?notice=reset');
    expect((await sam.get('/staff')).status).toBe(303);
    expect((await new StaffBrowser(ctx.staffApp).login('sam')).status).toBe(401);
    expect((await new StaffBrowser(ctx.staffApp).login('sam', newPassword)).status).toBe(303);
  });

  it('when the only admin would be removed, then it is refused; another account can be removed', async () => {
    ctx = await makeStaffApp();
    const admin = await signedIn(ctx, 'ada', 'admin');
    await signedIn(ctx, 'sam', 'staff');
    const last = await admin.submit('/staff/accounts/ada', '/staff/accounts/ada/remove');
    expect(last.status).toBe(409);
    expect(last.text).toContain('This is the only admin account');
    const ok = await admin.submit('/staff/accounts/sam', '/staff/accounts/sam/remove');
    expect(ok.headers.location).toBe('/staff/accounts?notice=removed');
    expect(await ctx.deps.store.staff.getAccount('sam')).toBeUndefined();
  });
});

describe('audit log', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when staff act, then admins see who did what, newest first, with no patron identifier', async () => {
    ctx = await makeStaffApp();
    const admin = await signedIn(ctx, 'ada', 'admin');
    await admin.submit('/staff/passes', '/staff/passes', { count: '2', minutes: '30', validUntil: '2026-11-20' });
    const page = await admin.get('/staff/audit');
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<td><bdi>ada<\/bdi><\/td><td><code dir="ltr">passes\.create<\/code><\/td><td><bdi>[0-9a-f]{12}<\/bdi><\/td><td>created 2 passes of 30 minutes<\/td>/);
    expect(page.text.indexOf('passes.create')).toBeLessThan(page.text.indexOf('staff.sign-in'));
  });
});
