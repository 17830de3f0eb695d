// Parallel sign-in guesses against one account, on SQLite and Redis: each attempt is reserved
// (counted) before argon2 runs, so however many arrive at once, at most LOCKOUT_FAILURES
// passwords are checked before the account locks.
import * as passwords from '../../src/staff/passwords';
import { LOCKOUT_FAILURES } from '../../src/staff/account-service';
import { addAccount, makeStaffApp, StaffBrowser, type StaffContext } from '../helpers/staff';

describe.each([
  ['sqlite', false],
  ['redis', true],
])('parallel sign-in guesses on %s', (_name, redis) => {
  let ctx: StaffContext;
  let checks: jest.SpyInstance;
  beforeEach(() => {
    // Watches the real argon2 check (it still runs): how many guesses reached the password.
    checks = jest.spyOn(passwords, 'verifyPassword');
  });
  afterEach(async () => {
    checks.mockRestore();
    await ctx.close();
  });

  it('when 40 wrong guesses arrive at once from 40 addresses, then at most the allowed number are checked and the rest are told it is locked', async () => {
    ctx = await makeStaffApp({ redis });
    await addAccount(ctx, 'ada', 'admin');
    const browsers = Array.from({ length: 40 }, (_, i) => new StaffBrowser(ctx.staffApp, `192.0.2.${i + 100}`));
    const tokens = await Promise.all(browsers.map((b) => b.token('/staff/login')));
    checks.mockClear();
    const answers = await Promise.all(browsers.map((b, i) => b.post('/staff/login', { _csrf: tokens[i]!, username: 'ada', password: 'wrong password!' })));
    expect(checks.mock.calls.length).toBeLessThanOrEqual(LOCKOUT_FAILURES);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(LOCKOUT_FAILURES);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(40 - LOCKOUT_FAILURES);
    expect((await ctx.deps.store.staff.getLoginFailures('ada')).count).toBe(LOCKOUT_FAILURES);
  });

  it('when 10 wrong guesses arrive at once from one address, then at most the allowed number are checked', async () => {
    ctx = await makeStaffApp({ redis });
    await addAccount(ctx, 'ada', 'admin');
    const b = new StaffBrowser(ctx.staffApp, '192.0.2.77');
    const token = await b.token('/staff/login');
    checks.mockClear();
    const answers = await Promise.all(Array.from({ length: 10 }, () => b.post('/staff/login', { _csrf: token, username: 'ada', password: 'wrong password!' })));
    expect(checks.mock.calls.length).toBeLessThanOrEqual(LOCKOUT_FAILURES);
    for (const a of answers) expect([401, 429]).toContain(a.status);
    expect(answers.filter((a) => a.status === 401).length).toBeLessThanOrEqual(LOCKOUT_FAILURES);
  });
});
