// Reading forms: text as typed (never anything else), whole numbers with one message, one message per field.
import { z } from 'zod';
import { fieldErrors, formText, formValues, formWholeNumber } from '../../src/http/forms';

describe('form helpers', () => {
  it('when a field is missing, repeated or too long, then it reads as text cut to its length', () => {
    expect(formValues({ a: ['x', 'y'], b: '  Ada  ', c: 'abcdef' }, { a: {}, b: { trim: true }, c: { max: 3 }, d: {} })).toEqual({ a: '', b: 'Ada', c: 'abc', d: '' });
    expect(formText(5).parse({ nested: true })).toBe('');
  });

  it('when a whole number is out of range or not a number, then the field gets its one message', () => {
    const n = formWholeNumber(1, 10, 'Enter 1 to 10.');
    expect(n.parse(' 7 ')).toBe(7);
    for (const bad of ['0', '11', '1.5', 'seven', '']) expect(n.safeParse(bad).error?.issues.map((i) => i.message)).toEqual(['Enter 1 to 10.']);
    expect(formWholeNumber(1, 10, 'Enter 1 to 10.', { optional: true }).parse(' ')).toBeUndefined();
  });

  it('when a schema refuses several fields, then each field has a message, named by its path', () => {
    const schema = z.object({ a: z.string().min(1, 'Fill in a.'), b: z.object({ c: z.number({ error: 'c is a number.' }) }) });
    const r = schema.safeParse({ a: '', b: { c: 'x' } });
    expect(fieldErrors(r.error!.issues)).toEqual({ a: 'Fill in a.', 'b.c': 'c is a number.' });
  });
});
