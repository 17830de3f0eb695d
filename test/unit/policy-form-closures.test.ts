// Closure reasons on the policy form: one line per closure, with the reason in other languages
// after a bar; the line round-trips, and a mistake says how to write it.
import { policySchema } from '../../src/config/schema';
import { parsePolicyForm, policyToForm } from '../../src/staff/policy-form';

const base = policySchema.parse({});

describe('closure reasons on the policy form', () => {
  it('when a closure has translated reasons, then the form shows them after bars and reads them back the same', () => {
    const policy = policySchema.parse({ closures: [{ date: '2026-12-25', reason: 'Christmas Day', translations: { es: 'Navidad', fr: 'Noël' } }, { date: '2026-12-26', reason: '' }] });
    const form = policyToForm(policy);
    expect(form.closures).toBe('2026-12-25 Christmas Day | es: Navidad | fr: Noël\n2026-12-26');
    expect(parsePolicyForm(form)).toEqual({ ok: true, policy, shortenRunning: false });
  });

  it('when a part after a bar is not "language: reason", then the closures field says how to write it', () => {
    const r = parsePolicyForm({ ...policyToForm(base), closures: '2026-12-25 Christmas Day | Navidad' });
    expect(r).toEqual({ ok: false, errors: { closures: 'Line 1: after "|", write a language code (en, es, fr, ar), a colon and the reason in that language, for example "| es: Navidad".' } });
    const unknown = parsePolicyForm({ ...policyToForm(base), closures: '2026-12-25 Christmas | de: Weihnachten' });
    expect(!unknown.ok && unknown.errors.closures).toMatch(/^Line 1: after "\|"/);
  });

  it('when a translated reason is too long, then the field says so', () => {
    const r = parsePolicyForm({ ...policyToForm(base), closures: `2026-12-25 Christmas | es: ${'x'.repeat(201)}` });
    expect(!r.ok && r.errors.closures).toBe('Line 1: keep the reason under 200 characters.');
  });

  it('when the configuration gives a translation under a code that is not a language, then it is refused', () => {
    expect(policySchema.safeParse({ closures: [{ date: '2026-12-25', reason: 'x', translations: { xx: 'y' } }] }).success).toBe(false);
  });
});
