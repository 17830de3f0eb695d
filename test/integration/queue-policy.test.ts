// The queue's two policy fields on the staff policy form: a kiosk zone's form shows and saves the
// hold time and the automatic-extension switch (audited); another zone's form, which has neither,
// saves as a browser sends it.
import { policyToForm } from '../../src/staff/policy-form';
import { auditInEnglish, makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';

const CONFIG = {
  zones: [
    { id: 'kiosks', name: 'Basement PCs', kind: 'kiosk', subnets: ['10.20.0.0/16'] },
    { id: 'wifi', name: 'Wi-Fi', subnets: ['0.0.0.0/0'] },
  ],
};

describe('the queue on the policy form', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when an admin sets a kiosk zone\'s hold time and automatic extension, then they are saved and audited', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const admin = await signedIn(ctx, 'ada', 'admin');
    const page = await admin.get('/staff/policies/kiosks');
    expect(page.text).toContain('name="holdMinutes"');
    expect(page.text).toContain('name="autoExtend"');
    const form = { ...policyToForm(ctx.deps.sessions.policies.peek('kiosks')!), holdMinutes: '8', autoExtend: 'yes' };
    const res = await admin.submit('/staff/policies/kiosks', '/staff/policies/kiosks', form);
    expect(res.status).toBe(303);
    expect(await ctx.deps.store.getPolicy('kiosks')).toMatchObject({ holdMinutes: 8, autoExtend: true });
    const [entry] = await ctx.deps.staff.audit.list(1);
    expect(auditInEnglish(entry!.detail)).toBe('queue hold 5 → 8 min; kiosk sessions extended while no one waits');
    const bad = await admin.submit('/staff/policies/kiosks', '/staff/policies/kiosks', { ...form, holdMinutes: 'ten' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter the queue&#39;s hold time as a whole number of minutes from 1 to 30.');
  });

  it('when a Wi-Fi zone\'s form is sent without the queue fields, as its page has none, then it saves', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const admin = await signedIn(ctx, 'ada', 'admin');
    expect((await admin.get('/staff/policies/wifi')).text).not.toContain('name="holdMinutes"');
    const form: Record<string, string> = { ...policyToForm(ctx.deps.sessions.policies.peek('wifi')!), sessionMinutes: '40' };
    delete form.holdMinutes;
    delete form.autoExtend;
    const res = await admin.submit('/staff/policies/wifi', '/staff/policies/wifi', form);
    expect(res.status).toBe(303);
    expect((await ctx.deps.store.getPolicy('wifi'))?.sessionMinutes).toBe(40);
  });
});
