// Reading HTML forms: zod schemas for the fields as typed, and one way to turn a schema's
// complaints into a message per field, for the form to show beside each field.
import { z } from 'zod';

/** A message per field, keyed by the field's name. */
export type FieldErrors = Record<string, string>;

/** How a text field is read: cut to `max` characters, first trimmed when `trim` is set. */
export interface TextOptions {
  max?: number;
  trim?: boolean;
}

const asText = (v: unknown, { max = 300, trim = false }: TextOptions): string => {
  if (typeof v !== 'string') return '';
  return (trim ? v.trim() : v).slice(0, max);
};

/**
 * A text field as a form sends it: anything that is not a string (missing, repeated, nested)
 * reads as empty, and what is typed is cut to `max` characters.
 */
export function formText(max = 300, opts: Omit<TextOptions, 'max'> = {}) {
  return z.preprocess((v) => asText(v, { ...opts, max }), z.string());
}

/** A checkbox: ticked when it sends "yes". */
export const formTick = formText(10).transform((v) => v === 'yes');

/**
 * A whole number typed in a text field, from `min` to `max`; anything else gets `message`
 * (one message per field, whatever is wrong with it). An optional field left empty is undefined.
 */
export function formWholeNumber(min: number, max: number, message: string): z.ZodType<number, unknown>;
export function formWholeNumber(min: number, max: number, message: string, opts: { optional: true }): z.ZodType<number | undefined, unknown>;
export function formWholeNumber(min: number, max: number, message: string, opts: { optional?: boolean } = {}): z.ZodType<number | undefined, unknown> {
  return formText(20).transform((v, ctx) => {
    const raw = v.trim();
    if (raw === '' && opts.optional) return undefined;
    const n = Number(raw);
    if (/^\d+$/.test(raw) && n >= min && n <= max) return n;
    ctx.addIssue({ code: 'custom', message });
    return z.NEVER;
  });
}

/**
 * One message per field from a schema's issues; `fieldOf` names the field an issue's path
 * belongs to (by default the path joined with dots, or "form" for the whole form).
 */
export function fieldErrors(issues: readonly z.core.$ZodIssue[], fieldOf: (path: PropertyKey[]) => string = (p) => p.map(String).join('.') || 'form'): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) errors[fieldOf(issue.path)] = issue.message;
  return errors;
}

/** The form's own fields as typed (strings; anything else sent is dropped), for the form to show again. */
export function formValues<K extends string>(body: unknown, fields: Readonly<Record<K, TextOptions>>): Record<K, string> {
  const b = (body ?? {}) as Record<string, unknown>;
  return Object.fromEntries(Object.entries<TextOptions>(fields).map(([n, opts]) => [n, asText(b[n], opts)])) as Record<K, string>;
}
