// The policy form: a policy round-trips through the form, and each mistake gets its own message.
import { policySchema } from '../../src/config/schema';
import { parsePolicyForm, pickFormValues, policyToForm } from '../../src/staff/policy-form';
import { describePolicyChange } from '../../src/staff/policy-change';
import { encodeAuditDetail } from '../../src/staff/audit-text';
import { auditInEnglish } from '../helpers/staff';

const inEnglish = (parts: ReturnType<typeof describePolicyChange>) => auditInEnglish(encodeAuditDetail(parts));

const full = policySchema.parse({
  accessMode: 'pass',
  sessionMinutes: 45,
  dailyMinutes: 120,
  idleMinutes: 0,
  warningMinutes: 10,
  allowExtend: false,
  openingHours: { mon: [{ open: '09:00', close: '12:00' }, { open: '13:00', close: '24:00' }], sun: [] },
  closures: [{ date: '2026-12-25', reason: 'Christmas Day' }],
});

describe('policy form', () => {
  it('when a policy is shown as a form and read back, then it is the same policy', () => {
    const back = parsePolicyForm(policyToForm(full));
    expect(back).toEqual({ ok: true, policy: { ...full, openingHours: { mon: full.openingHours!.mon } }, shortenRunning: false });
    const always = policySchema.parse({});
    expect(parsePolicyForm(policyToForm(always))).toEqual({ ok: true, policy: always, shortenRunning: false });
  });

  it('when the daily allowance is shorter than a session or the warning as long as it, then those fields say so', () => {
    const r = parsePolicyForm({ ...policyToForm(full), sessionMinutes: '60', dailyMinutes: '30', warningMinutes: '60' });
    expect(r).toEqual({
      ok: false,
      errors: {
        dailyMinutes: 'The daily allowance must be at least one session long.',
        warningMinutes: 'The warning must come before the end: use fewer minutes than the session length.',
      },
    });
  });

  it('when no day has hours and "always open" is not ticked, then the form says the zone would always be closed', () => {
    const values = { ...policyToForm(full), alwaysOpen: '', hours_mon: '', hours_tue: '' };
    const r = parsePolicyForm(values);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.errors.alwaysOpen).toMatch(/always be closed/);
  });

  it('when periods overlap, a time is impossible or a closure date does not exist, then each is named', () => {
    const r = parsePolicyForm({ ...policyToForm(full), hours_mon: '09:00-13:00, 12:00-18:00', hours_tue: '25:00-26:00', closures: '2026-02-30 nope' });
    expect(!r.ok && r.errors).toEqual({
      hours_mon: 'Monday: the periods must be in order and must not overlap.',
      hours_tue: 'Tuesday: write each period as 09:00-17:00, separated by commas ("25:00-26:00" could not be read).',
      closures: 'Line 1: start each line with a date as YYYY-MM-DD, then the reason ("2026-02-30 nope" could not be read).',
    });
  });

  it('when a form has extra or non-text fields, then only the form\'s own fields are read', () => {
    const v = pickFormValues({ sessionMinutes: '30', evil: 'x', dailyMinutes: ['1', '2'] });
    expect(v.sessionMinutes).toBe('30');
    expect(v.dailyMinutes).toBe('');
    expect('evil' in v).toBe(false);
  });

  it('when two policies differ, then the audit text names what changed', () => {
    const before = policySchema.parse({});
    expect(inEnglish(describePolicyChange(before, full))).toBe('access click-through → pass; session 60 → 45 min; daily 180 → 120 min; idle 15 → 0 min; warning 5 → 10 min; patrons may not extend; opening hours changed; closures 0 → 1');
    expect(describePolicyChange(before, before)).toEqual([]);
  });
});
