// Editing zone policies from the console: live changes, validation that keeps the input, and
// the choice to shorten running sessions.
import { policyToForm } from '../../src/staff/policy-form';
import { auditInEnglish, makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';

function formOf(ctx: StaffContext, over: Record<string, string> = {}): Record<string, string> {
  const base = policyToForm(ctx.deps.sessions.policies.peek('wifi')!);
  return { ...base, ...over };
}

describe('zone policies', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when an admin opens a zone, then the form shows the policy in force', async () => {
    ctx = await makeStaffApp();
    const admin = await signedIn(ctx, 'ada', 'admin');
    const res = await admin.get('/staff/policies/wifi');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Rules of Wi-Fi');
    expect(res.text).toMatch(/name="sessionMinutes" type="text" value="60"/);
    expect(res.text).toMatch(/name="alwaysOpen" value="yes" checked/);
  });

  it('when the session length is changed, then a new patron session gets the new length at once and the change is audited', async () => {
    ctx = await makeStaffApp();
    const admin = await signedIn(ctx, 'ada', 'admin');
    const res = await admin.submit('/staff/policies/wifi', '/staff/policies/wifi', formOf(ctx, { sessionMinutes: '25' }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff/policies?saved=wifi&shortened=0');
    expect((await admin.get(res.headers.location!)).text).toContain('The rules of Wi-Fi were saved');
    expect((await ctx.deps.store.getPolicy('wifi'))?.sessionMinutes).toBe(25);
    const patron = new Patron(ctx.app, '10.0.0.40');
    await patron.accept();
    expect(ctx.deps.sessions.secondsLeft(ctx.deps.sessions.lookup('10.0.0.40')!)).toBe(25 * 60);
    const [entry] = await ctx.deps.staff.audit.list(1);
    expect(entry).toMatchObject({ actor: 'ada', action: 'policy.update', target: 'wifi' });
    expect(auditInEnglish(entry!.detail)).toBe('session 60 → 25 min');
  });

  it('when fields are wrong, then the form comes back with a message per field and every value as typed', async () => {
    ctx = await makeStaffApp();
    const admin = await signedIn(ctx, 'ada', 'admin');
    const typed = formOf(ctx, {
      sessionMinutes: 'ninety',
      dailyMinutes: '5000',
      alwaysOpen: '',
      hours_mon: '9 to 5',
      hours_tue: '17:00-09:00',
      hours_wed: '09:00-17:00',
      closures: '2026-12-25 Christmas\nBoxing Day',
    });
    const res = await admin.submit('/staff/policies/wifi', '/staff/policies/wifi', typed);
    expect(res.status).toBe(400);
    expect(res.text).toContain('Enter the session length as a whole number of minutes from 1 to 1440.');
    expect(res.text).toContain('Enter the daily allowance as a whole number of minutes from 1 to 1440.');
    expect(res.text).toContain('Monday: write each period as 09:00-17:00');
    expect(res.text).toContain('Tuesday: the period 17:00-09:00 closes before it opens.');
    expect(res.text).toContain('Line 2: start each line with a date');
    expect(res.text).toContain('value="ninety"');
    expect(res.text).toContain('value="9 to 5"');
    expect(res.text).toContain('value="09:00-17:00"');
    expect(res.text).toContain('2026-12-25 Christmas\nBoxing Day</textarea>');
    expect(res.text).toMatch(/id="f-sessionMinutes"[^>]*aria-invalid="true"/);
    expect(await ctx.deps.store.getPolicy('wifi')).toBeUndefined();
  });

  it('when opening hours, closures and pass access are set, then they are stored as a valid policy', async () => {
    ctx = await makeStaffApp();
    const admin = await signedIn(ctx, 'ada', 'admin');
    const res = await admin.submit('/staff/policies/wifi', '/staff/policies/wifi', formOf(ctx, {
      accessMode: 'pass',
      alwaysOpen: '',
      hours_mon: '9:00-12:30, 13:30-20:00',
      hours_sat: '10h00-17h00',
      closures: '2026-12-25 Christmas Day\n2027-01-01',
      allowExtend: '',
    }));
    expect(res.status).toBe(303);
    expect(await ctx.deps.store.getPolicy('wifi')).toMatchObject({
      accessMode: 'pass',
      allowExtend: false,
      openingHours: { mon: [{ open: '09:00', close: '12:30' }, { open: '13:30', close: '20:00' }], sat: [{ open: '10:00', close: '17:00' }] },
      closures: [{ date: '2026-12-25', reason: 'Christmas Day' }, { date: '2027-01-01', reason: '' }],
    });
  });

  it('when "also shorten running sessions" is ticked, then running sessions are cut to the new length; otherwise they keep theirs', async () => {
    ctx = await makeStaffApp();
    const admin = await signedIn(ctx, 'ada', 'admin');
    const a = new Patron(ctx.app, '10.0.0.41');
    await a.accept();
    ctx.clock.advance(5 * 60_000);
    await admin.submit('/staff/policies/wifi', '/staff/policies/wifi', formOf(ctx, { sessionMinutes: '30' }));
    expect(ctx.deps.sessions.secondsLeft(ctx.deps.sessions.lookup('10.0.0.41')!)).toBe(55 * 60);
    const res = await admin.submit('/staff/policies/wifi', '/staff/policies/wifi', formOf(ctx, { sessionMinutes: '20', shortenRunning: 'yes' }));
    expect(res.headers.location).toBe('/staff/policies?saved=wifi&shortened=1');
    expect(ctx.deps.sessions.secondsLeft(ctx.deps.sessions.lookup('10.0.0.41')!)).toBe(15 * 60);
    expect((await ctx.deps.firewall.list())[0]?.expiresInSeconds).toBeLessThanOrEqual(15 * 60);
    const [entry] = await ctx.deps.staff.audit.list(1);
    expect(auditInEnglish(entry!.detail)).toBe('session 30 → 20 min; shortened 1 running sessions');
  });

  it('when an unknown zone is asked for, then the answer is a 404 that says how to find the zones', async () => {
    ctx = await makeStaffApp();
    const admin = await signedIn(ctx, 'ada', 'admin');
    const res = await admin.get('/staff/policies/nowhere');
    expect(res.status).toBe(404);
    expect(res.text).toContain('There is no zone &#34;nowhere&#34;');
  });
});
