// The zone policy form: a policy shown as form fields, and form fields read back into a policy
// with a message per field a person can act on. The form keeps what was typed on error.
import { z } from 'zod';
import { policySchema, WEEKDAYS, type Policy, type Weekday } from '../config/schema';
import { fieldErrors, formText, formTick, formValues, formWholeNumber } from '../http/forms';
import { SUPPORTED, isLang } from '../i18n/languages';

/** The form's fields, as typed (strings); checkboxes are "yes" when ticked. */
export type PolicyFormValues = Record<string, string>;

export type PolicyFormResult =
  | { ok: true; policy: Policy; shortenRunning: boolean }
  | { ok: false; errors: Record<string, string> };

export const WEEKDAY_NAMES: Record<Weekday, string> = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

/** The field name of a weekday's opening hours. */
export const hoursField = (d: Weekday) => `hours_${d}`;

/** A policy as form values. */
export function policyToForm(p: Policy): PolicyFormValues {
  const v: PolicyFormValues = {
    accessMode: p.accessMode,
    sessionMinutes: String(p.sessionMinutes),
    dailyMinutes: String(p.dailyMinutes),
    idleMinutes: String(p.idleMinutes),
    warningMinutes: String(p.warningMinutes),
    allowExtend: p.allowExtend ? 'yes' : '',
    extendPasses: p.extendPasses ? 'yes' : '',
    alwaysOpen: p.openingHours === null ? 'yes' : '',
    closures: p.closures.map(closureLine).join('\n'),
    dataMB: p.dataMB === undefined ? '' : String(p.dataMB),
    holdMinutes: String(p.holdMinutes),
    autoExtend: p.autoExtend ? 'yes' : '',
  };
  for (const d of WEEKDAYS) v[hoursField(d)] = (p.openingHours?.[d] ?? []).map((x) => `${x.open}-${x.close}`).join(', ');
  return v;
}
/** A policy field's range, as the policy schema states it (the form does not restate it). */
function rangeOf(key: 'sessionMinutes' | 'dailyMinutes' | 'idleMinutes' | 'warningMinutes' | 'holdMinutes' | 'dataMB'): { min: number; max: number } {
  const n = policySchema.shape[key].unwrap();
  return { min: n.minValue ?? 0, max: n.maxValue ?? Number.MAX_SAFE_INTEGER };
}

function minutesField(key: 'sessionMinutes' | 'dailyMinutes' | 'idleMinutes' | 'warningMinutes' | 'holdMinutes', what: string) {
  const { min, max } = rangeOf(key);
  return formWholeNumber(min, max, `Enter the ${what} as a whole number of minutes from ${min} to ${max}.`);
}

const hold = rangeOf('holdMinutes');
const holdField = formWholeNumber(hold.min, hold.max, `Enter the queue's hold time as a whole number of minutes from ${hold.min} to ${hold.max}.`, { optional: true });

const data = rangeOf('dataMB');
/** The data allowance is optional: empty means none. */
const dataField = formWholeNumber(data.min, data.max, `Enter the data per session as a whole number of megabytes from ${data.min} to ${data.max}, or leave it empty for no limit.`, { optional: true });

const dayFields = Object.fromEntries(
  WEEKDAYS.map((d) => [
    hoursField(d),
    formText(Infinity).transform((text, ctx) => {
      const parsed = parseDayHours(text);
      if (typeof parsed !== 'string') return parsed;
      ctx.addIssue({ code: 'custom', message: `${WEEKDAY_NAMES[d]}: ${parsed}` });
      return z.NEVER;
    }),
  ]),
) as Record<string, z.ZodType<{ open: string; close: string }[], unknown>>;

/** The form's fields read into policy values; "always open" leaves the hours unread. */
const policyForm = z.preprocess(
  (v) => {
    const values = { ...(v as PolicyFormValues) };
    if (values.alwaysOpen === 'yes') for (const d of WEEKDAYS) values[hoursField(d)] = '';
    return values;
  },
  z
    .object({
      accessMode: z.enum(['click-through', 'pass'], { error: 'Choose how patrons get online: by accepting the terms, or with a pass.' }),
      sessionMinutes: minutesField('sessionMinutes', 'session length'),
      dailyMinutes: minutesField('dailyMinutes', 'daily allowance'),
      idleMinutes: minutesField('idleMinutes', 'idle timeout'),
      warningMinutes: minutesField('warningMinutes', 'warning time'),
      allowExtend: formTick,
      extendPasses: formTick,
      // Shown for kiosk zones only: absent or empty elsewhere, and then the default.
      holdMinutes: holdField,
      autoExtend: formTick,
      alwaysOpen: formTick,
      shortenRunning: formTick,
      closures: formText(Infinity).transform((text, ctx) => {
        const parsed = parseClosures(text);
        if (typeof parsed !== 'string') return parsed;
        ctx.addIssue({ code: 'custom', message: parsed });
        return z.NEVER;
      }),
      dataMB: dataField,
      ...dayFields,
    })
    .refine((v) => v.alwaysOpen || WEEKDAYS.some((d) => ((v as Record<string, unknown>)[hoursField(d)] as unknown[]).length > 0), {
      path: ['alwaysOpen'],
      message: 'With no hours on any day the zone would always be closed. Tick "Always open", or enter the hours.',
      // Judged once every day's hours could be read.
      when: (payload) => payload.issues.every((i) => !String(i.path?.[0]).startsWith('hours_')),
    }),
);

/** The field a policy issue belongs to: a day's hours are the day's field. */
const policyField = (path: PropertyKey[]) => {
  const [top, day] = path.map(String);
  return top === 'openingHours' && day ? hoursField(day as Weekday) : (top ?? 'form');
};

/** Only the form's own fields, as strings (anything else sent is dropped). */
export function pickFormValues(body: unknown): PolicyFormValues {
  const names: string[] = ['accessMode', 'sessionMinutes', 'dailyMinutes', 'idleMinutes', 'warningMinutes', 'allowExtend', 'extendPasses', 'holdMinutes', 'autoExtend', 'alwaysOpen', 'closures', 'shortenRunning', 'dataMB', ...WEEKDAYS.map(hoursField)];
  return formValues(body, Object.fromEntries(names.map((n) => [n, { max: Infinity }])));
}

/** Reads the form back into a policy, or says what is wrong with each field. */
export function parsePolicyForm(v: PolicyFormValues): PolicyFormResult {
  const form = policyForm.safeParse(v);
  if (!form.success) return { ok: false, errors: fieldErrors(form.error.issues) };
  const f = form.data as z.infer<typeof policyForm> & Record<string, { open: string; close: string }[]>;
  let openingHours: Policy['openingHours'] = null;
  if (!f.alwaysOpen) {
    const week: Partial<Record<Weekday, { open: string; close: string }[]>> = {};
    for (const d of WEEKDAYS) if (f[hoursField(d)]!.length > 0) week[d] = f[hoursField(d)];
    openingHours = week;
  }
  // The rules across fields (daily ≥ session, warning < session) are the schema's.
  const checked = policySchema.safeParse({
    accessMode: f.accessMode,
    sessionMinutes: f.sessionMinutes,
    dailyMinutes: f.dailyMinutes,
    idleMinutes: f.idleMinutes,
    warningMinutes: f.warningMinutes,
    allowExtend: f.allowExtend,
    extendPasses: f.extendPasses,
    ...(f.holdMinutes !== undefined ? { holdMinutes: f.holdMinutes } : {}),
    autoExtend: f.autoExtend,
    openingHours,
    closures: f.closures,
    ...(f.dataMB !== undefined ? { dataMB: f.dataMB } : {}),
  });
  if (!checked.success) return { ok: false, errors: fieldErrors(checked.error.issues, policyField) };
  return { ok: true, policy: checked.data, shortenRunning: f.shortenRunning };
}

/** "09:00-12:30, 14:00-18:00" → periods; "" → closed; a message when it cannot be read. */
function parseDayHours(text: string): { open: string; close: string }[] | string {
  const parts = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (parts.length > 4) return 'at most 4 periods a day.';
  const out: { open: string; close: string }[] = [];
  for (const part of parts) {
    const m = /^(\d{1,2})[:.h]?(\d{2})\s*[-–]\s*(\d{1,2})[:.h]?(\d{2})$/.exec(part);
    const open = m && time(m[1]!, m[2]!);
    const close = m && time(m[3]!, m[4]!);
    if (!open || !close) return `write each period as 09:00-17:00, separated by commas ("${part}" could not be read).`;
    if (open >= close) return `the period ${part} closes before it opens.`;
    const prev = out[out.length - 1];
    if (prev && open < prev.close) return `the periods must be in order and must not overlap.`;
    out.push({ open, close });
  }
  return out;
}

function time(h: string, m: string): string | undefined {
  const hh = Number(h);
  const mm = Number(m);
  if (mm > 59 || hh > 24 || (hh === 24 && mm !== 0)) return undefined;
  return `${String(hh).padStart(2, '0')}:${m}`;
}

/** One closure per line: "2026-12-25 Christmas Day", then any translations: " | es: Navidad | fr: Noël". */
function closureLine(c: Policy['closures'][number]): string {
  const translations = Object.entries(c.translations ?? {}).map(([lang, text]) => ` | ${lang}: ${text}`);
  return `${c.date} ${c.reason}`.trim() + translations.join('');
}

function parseClosures(text: string): Policy['closures'] | string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length > 366) return 'At most 366 closures.';
  const out: Policy['closures'] = [];
  for (const [i, line] of lines.entries()) {
    const [first = '', ...others] = line.split('|').map((part) => part.trim());
    const m = /^(\d{4}-\d{2}-\d{2})(?:\s+(.*))?$/.exec(first);
    if (!m || !isRealDate(m[1]!)) return `Line ${i + 1}: start each line with a date as YYYY-MM-DD, then the reason ("${line.slice(0, 40)}" could not be read).`;
    const reason = (m[2] ?? '').trim();
    const translations: Record<string, string> = {};
    for (const part of others) {
      const t = /^([a-z]{2}):\s*(.+)$/.exec(part);
      if (!t || !isLang(t[1])) return `Line ${i + 1}: after "|", write a language code (${SUPPORTED.join(', ')}), a colon and the reason in that language, for example "| es: Navidad".`;
      translations[t[1]] = t[2]!;
    }
    if ([reason, ...Object.values(translations)].some((r) => r.length > 200)) return `Line ${i + 1}: keep the reason under 200 characters.`;
    out.push({ date: m[1]!, reason, ...(others.length ? { translations } : {}) });
  }
  return out;
}

function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
