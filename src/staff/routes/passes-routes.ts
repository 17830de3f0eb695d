// Access passes: create a batch (how many, minutes each, valid until), print its sheet once,
// revoke the unused passes of a batch. The codes are shown once and never stored.
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps';
import type { StaffTranslate } from '../../i18n/staff/translate';
import type { Csrf } from '../../http/csrf';
import { fieldErrors, formValues, formWholeNumber } from '../../http/forms';
import { addDays, localDate, zonedTime } from '../../domain/local-time';
import type { Policy } from '../../config/schema';
import { param, staffOf } from '../guards';
import { passCardText, passCodesCsv } from '../pass-card';
import { DESK_LABEL, DESK_PASS_LABEL } from '../pass-service';
import type { StaffKey } from '../../i18n/staff/catalogue';

/** Labels Threshold gives batches itself (not typed by staff): shown in the reader's language. */
const FIXED_LABELS = new Map<string, StaffKey>([[DESK_LABEL, 'passes.deskLabel'], [DESK_PASS_LABEL, 'deskPrint.label']]);

export const MAX_PASSES_PER_BATCH = 200;
/** How far ahead a batch may stay valid. */
const MAX_VALID_DAYS = 366;

const FIELDS = { count: { max: 20, trim: true }, minutes: { max: 20, trim: true }, validUntil: { max: 20, trim: true }, label: { max: 200, trim: true } } as const;
/** The longest label a batch may have (it is printed on each card). */
export const MAX_LABEL_LENGTH = 60;
type Values = Record<keyof typeof FIELDS, string>;

/** The batch form, for a batch made `today` (library time). */
function batchForm(today: string) {
  const last = addDays(today, MAX_VALID_DAYS);
  return z.object({
    count: formWholeNumber(1, MAX_PASSES_PER_BATCH, `Enter how many passes, from 1 to ${MAX_PASSES_PER_BATCH}.`),
    minutes: formWholeNumber(1, 1440, 'Enter the minutes each pass gives, from 1 to 1440.'),
    validUntil: z
      .string()
      .refine((v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && addDays(v, 0) === v, { message: 'Enter the last day the passes work, as a date (YYYY-MM-DD).', abort: true })
      .refine((v) => v >= today && v <= last, `Choose a day from today to ${last}.`),
    label: z
      .string()
      .max(MAX_LABEL_LENGTH, `Keep the label to ${MAX_LABEL_LENGTH} characters; it is printed on each card.`)
      // eslint-disable-next-line no-control-regex
      .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'Use letters, digits and punctuation in the label.'),
  });
}

export function passesRoutes(deps: Deps, csrf: Csrf): Router {
  const r = Router();
  const tz = deps.config.timezone;
  const today = () => localDate(deps.clock.now(), tz);

  /** The zones that take passes now, with their policies. */
  const passZones = async () => {
    const out: { name: string; policy: Policy }[] = [];
    for (const z of deps.config.zones) {
      const policy = await deps.sessions.policies.get(z.id);
      if (policy.accessMode === 'pass') out.push({ name: z.name, policy });
    }
    return out;
  };

  const render = async (res: Response, status: number, values: Values, errors: Record<string, string> = {}, notice?: string) => {
    const batches = await deps.staff.passes.list();
    const now = deps.clock.now();
    const zones = await passZones();
    const { sessionCap } = passCardText(deps.config, zones.map((z) => z.policy), 0);
    res.status(status).render('staff/passes', { batches, values, errors, notice, now, passZones: zones.map((z) => z.name), sessionCap, max: MAX_PASSES_PER_BATCH, today: today(), fixedLabels: FIXED_LABELS });
  };

  const defaults = (): Values => ({ count: '10', minutes: '60', validUntil: addDays(today(), 7), label: '' });

  r.get('/staff/passes', async (req, res) => {
    const revoked = Number(req.query.revoked);
    const notice = Number.isInteger(revoked) && revoked >= 0 && req.query.revoked !== undefined ? `${revoked} unused passes were revoked.` : undefined;
    await render(res, 200, defaults(), {}, notice);
  });

  r.post('/staff/passes', csrf.protect, csrf.provide, async (req, res) => {
    const values = formValues(req.body, FIELDS);
    const form = batchForm(today()).safeParse(values);
    if (!form.success) return render(res, 400, values, fieldErrors(form.error.issues));
    const { count, minutes, label } = form.data;
    // Valid through the whole of the chosen day, library time.
    const validUntil = zonedTime(addDays(values.validUntil, 1), 0, tz);
    const { batch, codes } = await deps.staff.passes.createBatch(staffOf(res).username, { count, minutes, validUntil, ...(label ? { label } : {}) });
    const card = passCardText(deps.config, (await passZones()).map((z) => z.policy), batch.minutes);
    const csv = `data:text/csv;charset=utf-8,${encodeURIComponent(passCodesCsv(codes, card.minutes, values.validUntil))}`;
    // The same codes with the column names in the staff member's language, as an option.
    const t = res.locals.t as StaffTranslate;
    const translated = t.lang === 'en' ? undefined : passCodesCsv(codes, card.minutes, values.validUntil, [t('csv.code'), t('csv.minutes'), t('csv.validUntil')]);
    const slug = (batch.label ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
    res.render('staff/pass-sheet', { batch, codes, lastDay: values.validUntil, card, csv, csvTranslated: translated && `data:text/csv;charset=utf-8,${encodeURIComponent(translated)}`, csvName: `passes-${slug ? `${slug}-` : ''}${values.validUntil}.csv` });
  });

  r.post('/staff/passes/:batchId/revoke', csrf.protect, async (req, res) => {
    const n = await deps.staff.passes.revoke(staffOf(res).username, param(req, 'batchId'));
    res.redirect(303, `/staff/passes?revoked=${n}`);
  });

  return r;
}
