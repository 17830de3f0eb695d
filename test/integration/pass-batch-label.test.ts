// A pass batch's label: typed on the form, printed on the sheet and each card, named in the CSV
// file, listed with the batches and in the audit log; a label that is too long or has control
// characters gets its own message.
import { auditInEnglish, makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';

const CONFIG = { zones: [{ id: 'study', name: 'Study room', subnets: ['0.0.0.0/0'], policy: { accessMode: 'pass' } }] };

describe('labels of pass batches', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when staff label a batch, then the sheet, each card, the CSV name, the list and the audit log carry it', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const staff = await signedIn(ctx, 'sam', 'staff');
    const sheet = await staff.submit('/staff/passes', '/staff/passes', { count: '2', minutes: '30', validUntil: '2026-11-25', label: '  Job club, Tuesday ' });
    expect(sheet.status).toBe(200);
    expect(sheet.text).toContain('<h1>Print these passes now: Job club, Tuesday</h1>');
    expect(sheet.text.match(/<p class="pass-batch">Job club, Tuesday<\/p>/g)).toHaveLength(2);
    expect(sheet.text).toContain('download="passes-job-club-tuesday-2026-11-25.csv"');
    expect((await staff.get('/staff/passes')).text).toContain('<td>Job club, Tuesday</td>');
    const audit = await ctx.deps.store.staff.listAudit(5);
    expect(audit.map((e) => auditInEnglish(e.detail))).toContain('created 2 passes of 30 minutes labelled "Job club, Tuesday"');
  });

  it('when the label is too long or holds a control character, then the field says so and nothing is made', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const staff = await signedIn(ctx, 'sam', 'staff');
    const long = await staff.submit('/staff/passes', '/staff/passes', { count: '2', minutes: '30', validUntil: '2026-11-25', label: 'x'.repeat(61) });
    expect(long.status).toBe(400);
    expect(long.text).toContain('Keep the label to 60 characters; it is printed on each card.');
    const odd = await staff.submit('/staff/passes', '/staff/passes', { count: '2', minutes: '30', validUntil: '2026-11-25', label: 'a\u0007b' });
    expect(odd.status).toBe(400);
    expect(odd.text).toContain('Use letters, digits and punctuation in the label.');
    expect(await ctx.deps.store.staff.listPassBatches()).toEqual([]);
  });

  it('when no label is given, then the batch shows a dash and the CSV has the date only', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const staff = await signedIn(ctx, 'sam', 'staff');
    const sheet = await staff.submit('/staff/passes', '/staff/passes', { count: '1', minutes: '30', validUntil: '2026-11-25' });
    expect(sheet.text).toContain('download="passes-2026-11-25.csv"');
    expect(sheet.text).not.toContain('pass-batch');
    expect((await staff.get('/staff/passes')).text).toContain('<td>—</td>');
  });
});
