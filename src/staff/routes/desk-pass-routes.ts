// Desk passes: staff print one (or a few) at the desk for a patron whose day is used up and who
// cannot read a help code on a phone, or who asks at the desk. Each gives 15-60 minutes beyond
// today's allowance, once, in any zone, until midnight. The codes are shown once, never stored.
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps';
import type { Csrf } from '../../http/csrf';
import { fieldErrors, formValues, formWholeNumber } from '../../http/forms';
import { staffOf } from '../guards';
import { passCardText } from '../pass-card';

/** The most desk passes printed at once (a few for a family or a group at the desk). */
export const MAX_DESK_PASSES = 5;
export const DESK_PASS_MINUTES = { min: 15, max: 60 } as const;

const FIELDS = { count: { max: 20, trim: true }, minutes: { max: 20, trim: true } } as const;
type Values = Record<keyof typeof FIELDS, string>;
const deskForm = z.object({
  count: formWholeNumber(1, MAX_DESK_PASSES, `Enter how many desk passes to print, from 1 to ${MAX_DESK_PASSES}.`),
  minutes: formWholeNumber(DESK_PASS_MINUTES.min, DESK_PASS_MINUTES.max, `Enter the minutes each desk pass gives, from ${DESK_PASS_MINUTES.min} to ${DESK_PASS_MINUTES.max}.`),
});

export function deskPassRoutes(deps: Deps, csrf: Csrf): Router {
  const r = Router();

  /** A desk pass works in every zone: it never gives more than the longest session of any. */
  const card = async (minutes: number) => {
    const policies = await Promise.all(deps.config.zones.map((z) => deps.sessions.policies.get(z.id)));
    return passCardText(deps.config, policies, minutes, 'desk');
  };

  const render = async (res: Response, status: number, values: Values, errors: Record<string, string> = {}) => {
    const { sessionCap } = await card(0);
    res.status(status).render('staff/desk-pass', { values, errors, sessionCap, max: MAX_DESK_PASSES, limits: DESK_PASS_MINUTES, validUntil: deps.sessions.allowanceResetsAt() });
  };

  r.get('/staff/passes/desk', (_req, res) => render(res, 200, { count: '1', minutes: '30' }));

  r.post('/staff/passes/desk', csrf.protect, csrf.provide, async (req, res) => {
    const values = formValues(req.body, FIELDS);
    const form = deskForm.safeParse(values);
    if (!form.success) return render(res, 400, values, fieldErrors(form.error.issues));
    const { batch, codes } = await deps.staff.passes.createDeskPasses(staffOf(res).username, form.data.count, form.data.minutes);
    res.render('staff/desk-pass-sheet', { batch, codes, card: await card(batch.minutes) });
  });

  return r;
}
