// The zone policy form: a policy shown as form fields, and form fields read back into a policy
// with a message per field a person can act on. The form keeps what was typed on error.
import { policySchema, WEEKDAYS, type Policy, type Weekday } from '../config/schema';

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

const NUMBER_FIELDS = {
  sessionMinutes: { min: 1, max: 1440, what: 'session length' },
  dailyMinutes: { min: 1, max: 1440, what: 'daily allowance' },
  idleMinutes: { min: 0, max: 1440, what: 'idle timeout' },
  warningMinutes: { min: 0, max: 120, what: 'warning time' },
} as const;

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
    closures: p.closures.map((c) => `${c.date} ${c.reason}`.trim()).join('\n'),
    dataMB: p.dataMB === undefined ? '' : String(p.dataMB),
  };
  for (const d of WEEKDAYS) v[hoursField(d)] = (p.openingHours?.[d] ?? []).map((x) => `${x.open}-${x.close}`).join(', ');
  return v;
}

/** Only the form's own fields, as strings (anything else sent is dropped). */
export function pickFormValues(body: unknown): PolicyFormValues {
  const b = (body ?? {}) as Record<string, unknown>;
  const names = ['accessMode', ...Object.keys(NUMBER_FIELDS), 'allowExtend', 'extendPasses', 'alwaysOpen', 'closures', 'shortenRunning', 'dataMB', ...WEEKDAYS.map(hoursField)];
  return Object.fromEntries(names.map((n) => [n, typeof b[n] === 'string' ? (b[n] as string) : '']));
}

/** Reads the form back into a policy, or says what is wrong with each field. */
export function parsePolicyForm(v: PolicyFormValues): PolicyFormResult {
  const errors: Record<string, string> = {};
  const nums: Partial<Record<keyof typeof NUMBER_FIELDS, number>> = {};
  for (const [name, rule] of Object.entries(NUMBER_FIELDS) as [keyof typeof NUMBER_FIELDS, (typeof NUMBER_FIELDS)[keyof typeof NUMBER_FIELDS]][]) {
    const raw = (v[name] ?? '').trim();
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || n < rule.min || n > rule.max) {
      errors[name] = `Enter the ${rule.what} as a whole number of minutes from ${rule.min} to ${rule.max}.`;
    } else nums[name] = n;
  }
  const accessMode = v.accessMode === 'pass' ? 'pass' : v.accessMode === 'click-through' ? 'click-through' : undefined;
  if (!accessMode) errors.accessMode = 'Choose how patrons get online: by accepting the terms, or with a pass.';

  let openingHours: Policy['openingHours'] = null;
  if (v.alwaysOpen !== 'yes') {
    const week: Partial<Record<Weekday, { open: string; close: string }[]>> = {};
    for (const d of WEEKDAYS) {
      const parsed = parseDayHours(v[hoursField(d)] ?? '');
      if (typeof parsed === 'string') errors[hoursField(d)] = `${WEEKDAY_NAMES[d]}: ${parsed}`;
      else if (parsed.length > 0) week[d] = parsed;
    }
    if (Object.keys(week).length === 0 && !WEEKDAYS.some((d) => errors[hoursField(d)])) {
      errors.alwaysOpen = 'With no hours on any day the zone would always be closed. Tick "Always open", or enter the hours.';
    }
    openingHours = week;
  }

  const closures = parseClosures(v.closures ?? '');
  if (typeof closures === 'string') errors.closures = closures;

  // The data allowance is optional: empty means none.
  const rawData = (v.dataMB ?? '').trim();
  const dataMB = rawData === '' ? undefined : Number(rawData);
  if (dataMB !== undefined && (!/^\d+$/.test(rawData) || dataMB < 1 || dataMB > 10_000_000)) {
    errors.dataMB = 'Enter the data per session as a whole number of megabytes from 1 to 10000000, or leave it empty for no limit.';
  }

  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const checked = policySchema.safeParse({
    accessMode,
    ...nums,
    allowExtend: v.allowExtend === 'yes',
    extendPasses: v.extendPasses === 'yes',
    openingHours,
    closures,
    ...(dataMB !== undefined ? { dataMB } : {}),
  });
  if (!checked.success) {
    // The rules across fields (daily ≥ session, warning < session) are the schema's; field by field.
    for (const issue of checked.error.issues) {
      const [top, day] = issue.path.map(String);
      errors[top === 'openingHours' && day ? hoursField(day as Weekday) : (top ?? 'form')] = issue.message;
    }
    return { ok: false, errors };
  }
  return { ok: true, policy: checked.data, shortenRunning: v.shortenRunning === 'yes' };
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

/** One closure per line: "2026-12-25 Christmas Day". */
function parseClosures(text: string): Policy['closures'] | string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  if (lines.length > 366) return 'At most 366 closures.';
  const out: Policy['closures'] = [];
  for (const [i, line] of lines.entries()) {
    const m = /^(\d{4}-\d{2}-\d{2})(?:\s+(.*))?$/.exec(line);
    if (!m || !isRealDate(m[1]!)) return `Line ${i + 1}: start each line with a date as YYYY-MM-DD, then the reason ("${line.slice(0, 40)}" could not be read).`;
    const reason = (m[2] ?? '').trim();
    if (reason.length > 200) return `Line ${i + 1}: keep the reason under 200 characters.`;
    out.push({ date: m[1]!, reason });
  }
  return out;
}

function isRealDate(s: string): boolean {
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}
