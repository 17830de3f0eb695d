// The policy form's data allowance: kept through a staff edit, cleared when emptied, checked.
import { policySchema } from '../../src/config/schema';
import { parsePolicyForm, pickFormValues, policyToForm } from '../../src/staff/policy-form';
import { describePolicyChange } from '../../src/staff/policy-change';
import { encodeAuditDetail } from '../../src/staff/audit-text';
import { auditInEnglish } from '../helpers/staff';

const inEnglish = (parts: ReturnType<typeof describePolicyChange>) => auditInEnglish(encodeAuditDetail(parts));

const withData = policySchema.parse({ dataMB: 500 });

describe('policy form: data allowance', () => {
  it('when a policy with a data allowance is edited, then the allowance is kept', () => {
    const values = pickFormValues({ ...policyToForm(withData), sessionMinutes: '30' });
    const r = parsePolicyForm(values);
    expect(r.ok && r.policy).toMatchObject({ sessionMinutes: 30, dataMB: 500 });
  });

  it('when the field is emptied, then the zone has no data allowance', () => {
    const r = parsePolicyForm({ ...policyToForm(withData), dataMB: ' ' });
    expect(r.ok && r.policy.dataMB).toBeUndefined();
  });

  it('when the field is not a whole number of megabytes, then it says what to enter', () => {
    const r = parsePolicyForm({ ...policyToForm(withData), dataMB: '1.5' });
    expect(!r.ok && r.errors).toEqual({ dataMB: 'Enter the data per session as a whole number of megabytes from 1 to 10000000, or leave it empty for no limit.' });
  });

  it('when the allowance changes, then the audit text says so', () => {
    expect(inEnglish(describePolicyChange(policySchema.parse({}), withData))).toBe('data unlimited → 500 MB per session');
  });
});
