// At midnight, library time: a patron whose day was used up, given time at 23:59 by the help
// code, presses "Staff have given me more time" a minute later. The new day has its allowance:
// the patron is not told their time is used up.
import { makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';

const CONFIG = { timezone: 'Europe/Paris', zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.0.0.0/8'], policy: { sessionMinutes: 60, dailyMinutes: 60 } }] };
const CODE = /<p class="code">([2-9A-Z]{3}) ([2-9A-Z]{3})<\/p>/;

describe('desk time across midnight', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when a patron presses for help time just after midnight, then they are not told their time is used up', async () => {
    // 22:58 in Paris on Wednesday 18 November 2026.
    ctx = await makeStaffApp({ config: CONFIG, now: '2026-11-18T21:58:00Z' });
    const patron = new Patron(ctx.app, '10.3.0.7', '02:00:00:00:03:07');
    await patron.accept();
    ctx.clock.advance(61 * 60_000);
    await ctx.deps.sessions.tick();
    const page = await patron.accept();
    expect(page.text).toContain('Your time for today is used up');
    const m = CODE.exec(page.text)!;
    const staff = await signedIn(ctx, 'sam', 'staff');
    const given = await staff.submit('/staff/sessions', '/staff/help-time', { code: `${m[1]}${m[2]}`, minutes: '30' });
    expect(given.status).toBe(303);

    // 00:00:30: a new day.
    ctx.clock.set(Date.parse('2026-11-18T23:00:30Z'));
    await ctx.deps.sessions.tick();
    const pressed = await patron.submit('/', '/help-time');
    expect(pressed.text).not.toContain('Your time for today is used up');
    expect([pressed.status, pressed.headers.location]).toEqual([303, '/']);
    expect((await patron.accept()).headers.location).toBe('/status');
  });
});
