// A staff member changes their own password: the current one is checked (and counts towards the
// lockout), the new one follows the rules, every console session ends, and the audit log says so.
import { LOCKOUT_FAILURES } from '../../src/staff/account-service';
import { makeStaffApp, PASSWORD, signedIn, StaffBrowser, type StaffContext } from '../helpers/staff';

const NEW = 'a new long passphrase';

describe('changing my own password', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when a staff member changes their password, then the old one stops working, every session of theirs ends and the audit log records it', async () => {
    ctx = await makeStaffApp();
    const sam = await signedIn(ctx, 'sam', 'staff');
    const elsewhere = new StaffBrowser(ctx.staffApp);
    await elsewhere.login('sam');
    expect((await sam.get('/staff')).text).toContain('href="/staff/password"');
    const res = await sam.submit('/staff/password', '/staff/password', { current: PASSWORD, password: NEW, password2: NEW });
    expect([res.status, res.headers.location]).toEqual([303, '/staff/login?notice=password-changed']);
    expect((await sam.get('/staff/login?notice=password-changed')).text).toContain('Sign in with the new password.');
    for (const b of [sam, elsewhere]) expect((await b.get('/staff')).status).toBe(303);
    expect((await new StaffBrowser(ctx.staffApp).login('sam')).status).not.toBe(303);
    expect((await new StaffBrowser(ctx.staffApp).login('sam', NEW)).status).toBe(303);
    const entries = await ctx.deps.store.staff.listAudit(10);
    expect(entries.map((e) => [e.actor, e.action, e.target])).toContainEqual(['sam', 'staff.change-password', 'sam']);
  });

  it('when the form has problems, then each field says what to do and nothing changes', async () => {
    ctx = await makeStaffApp();
    const sam = await signedIn(ctx, 'sam', 'staff');
    const cases: [Record<string, string>, string, string][] = [
      [{ current: '', password: NEW, password2: NEW }, 'current', 'Type your current password.'],
      [{ current: 'not my password', password: NEW, password2: NEW }, 'current', 'That is not your current password. Type it again.'],
      [{ current: PASSWORD, password: NEW, password2: NEW + 'x' }, 'password2', 'The two new passwords are not the same.'],
      [{ current: PASSWORD, password: 'short', password2: 'short' }, 'password', 'Use at least 10 characters'],
      [{ current: PASSWORD, password: PASSWORD, password2: PASSWORD }, 'password', 'different from the current one'],
    ];
    for (const [fields, field, message] of cases) {
      const res = await sam.submit('/staff/password', '/staff/password', fields);
      expect([field, res.status, res.text.includes(`id="f-${field}-error"`), res.text.includes(message)]).toEqual([field, 400, true, true]);
    }
    const odd = await sam.submit('/staff/password', '/staff/password', { current: ['a', 'b'] as unknown as string });
    expect(odd.status).toBe(400);
    expect((await new StaffBrowser(ctx.staffApp).login('sam')).status).toBe(303);
  });

  it('when the current password is guessed too often, then the account locks as a sign-in would', async () => {
    ctx = await makeStaffApp();
    const sam = await signedIn(ctx, 'sam', 'staff');
    for (let i = 0; i < LOCKOUT_FAILURES; i++) await sam.submit('/staff/password', '/staff/password', { current: `guess ${i}`, password: NEW, password2: NEW });
    const res = await sam.submit('/staff/password', '/staff/password', { current: PASSWORD, password: NEW, password2: NEW });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Too many wrong passwords.');
  });

  it('when someone not signed in posts the form, then they are sent to sign in', async () => {
    ctx = await makeStaffApp();
    const res = await new StaffBrowser(ctx.staffApp).get('/staff/password');
    expect(res.status).toBe(303);
  });
});
