// The evening before the clocks change where they change at local midnight's edge
// (Europe/Chisinau moves from 02:00 EET at 00:00 UTC): "until midnight" is midnight, not an
// hour before, so a desk pass printed at 23:30 works and the allowance resets at 00:00.
import { makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';

const CONFIG = {
  timezone: 'Europe/Chisinau',
  zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.4.0.0/16'], policy: { sessionMinutes: 60, dailyMinutes: 60 } }],
};
const CARD = /<p class="pass-code">([2-9A-Z]{4}-[2-9A-Z]{4})<\/p>/;

describe('the night before a DST change', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when staff print a desk pass at 23:30 and the patron types it, then it works until midnight', async () => {
    // 23:30 EET on Saturday 28 March 2026.
    ctx = await makeStaffApp({ config: CONFIG, now: '2026-03-28T21:30:00Z' });
    expect(new Date(ctx.deps.sessions.allowanceResetsAt()).toISOString()).toBe('2026-03-28T22:00:00.000Z');
    const staff = await signedIn(ctx, 'sam', 'staff');
    const sheet = await staff.submit('/staff/passes/desk', '/staff/passes/desk', { count: '1', minutes: '30' });
    const code = CARD.exec(sheet.text)![1]!;
    const patron = new Patron(ctx.app, '10.4.0.7', '02:00:00:00:04:07');
    const online = await patron.submit('/', '/redeem', { code });
    expect([online.status, online.headers.location]).toEqual([303, '/status']);
  });
});
