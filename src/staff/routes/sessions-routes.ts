// Live sessions: counts per zone and the list by session code, a page at a time; extend or end
// a session by its code. Staff see codes, zones and times, never an address or pseudonym.
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps';
import type { Csrf } from '../../http/csrf';
import { fieldErrors, formValues } from '../../http/forms';
import { CODE_ALPHABET, normaliseCode } from '../../privacy/random';
import { HELP_CODE_LENGTH } from '../../portal/help-code';
import { staffOf } from '../guards';
import { EXTEND_CHOICES, PAGE_SIZE } from '../session-list';

const NOTICES: Record<string, string> = {
  extended: 'The session was extended.',
  ended: 'The session was ended. The patron can start a new one if they have time left today.',
  given: 'The time is waiting for the patron until midnight: they press "Staff have given me more time" on their screen.',
};

const FIELDS = { code: { max: 40 }, minutes: { max: 40 }, confirm: { max: 10 } } as const;
const HELP_CODE = new RegExp(`^[${CODE_ALPHABET}]{${HELP_CODE_LENGTH}}$`);
const extendForm = z.object({
  minutes: z
    .string()
    .transform(Number)
    .refine((m) => (EXTEND_CHOICES as readonly number[]).includes(m), `Choose how long to extend by: ${EXTEND_CHOICES.join(', ')} minutes.`),
});

export function sessionsRoutes(deps: Deps, csrf: Csrf): Router {
  const r = Router();

  /** The page: counts, the code looked up (an indexed lookup), and one page of the list. */
  const render = async (res: Response, status: number, locals: { code?: string; error?: string; notice?: string; at?: { after?: string; before?: string } }) => {
    const [counts, page] = await Promise.all([deps.staff.live.counts(), deps.staff.live.page(locals.at)]);
    const code = locals.code ? normaliseCode(locals.code) : '';
    const found = code && !locals.error ? await deps.staff.live.find(code) : undefined;
    const error =
      locals.error ??
      (page.ok ? undefined : page.message) ??
      (code && !found ? `No running session has the code ${code}. Check the code on the patron's status page.` : undefined);
    const rows = page.ok ? page.rows : [];
    res.status(error && status === 200 ? (page.ok ? 404 : 400) : status).render('staff/sessions', {
      rows,
      counts,
      code,
      found,
      error,
      notice: locals.notice,
      next: page.ok ? page.next : undefined,
      previous: page.ok ? page.previous : undefined,
      pageSize: PAGE_SIZE,
      extendChoices: EXTEND_CHOICES,
      multiGateway: rows.some((x) => x.gatewayId !== deps.config.gatewayId),
    });
  };

  r.get('/staff/sessions', async (req, res) => {
    const q = req.query;
    const notice = typeof q.notice === 'string' ? NOTICES[q.notice] : undefined;
    const cursor = (name: string) => (typeof q[name] === 'string' ? (q[name] as string) : q[name] === undefined ? undefined : '');
    const at = { after: cursor('after'), before: cursor('before') };
    await render(res, 200, { code: typeof q.code === 'string' ? q.code.slice(0, 40) : undefined, notice, at });
  });

  r.post('/staff/sessions/extend', csrf.protect, csrf.provide, async (req, res) => {
    const { code, minutes: typed } = formValues(req.body, FIELDS);
    const form = extendForm.safeParse({ minutes: typed });
    if (!form.success) return render(res, 400, { code, error: fieldErrors(form.error.issues).minutes });
    const result = await deps.staff.live.extend(staffOf(res).username, code, form.data.minutes);
    if (!result.ok) return render(res, 409, { code, error: result.message });
    res.redirect(303, `/staff/sessions?code=${encodeURIComponent(result.row.code)}&notice=extended`);
  });

  r.post('/staff/sessions/end', csrf.protect, csrf.provide, async (req, res) => {
    const { code, confirm } = formValues(req.body, FIELDS);
    if (confirm !== 'yes') return render(res, 400, { code, error: 'Tick "Yes, end it" to confirm: the patron goes offline at once.' });
    const result = await deps.staff.live.end(staffOf(res).username, code);
    if (!result.ok) return render(res, 404, { code, error: result.message });
    res.redirect(303, '/staff/sessions?notice=ended');
  });

  // Time for a patron whose day is used up, by the help code on their screen (see portal/help-routes.ts).
  r.post('/staff/help-time', csrf.protect, csrf.provide, async (req, res) => {
    const { code: typed, minutes: rawMinutes } = formValues(req.body, FIELDS);
    const code = normaliseCode(typed);
    if (!HELP_CODE.test(code)) return render(res, 400, { error: `Type the ${HELP_CODE_LENGTH} characters of the help code on the patron's screen, for example K7Q M2P.` });
    const minutes = extendForm.safeParse({ minutes: rawMinutes });
    if (!minutes.success) return render(res, 400, { error: `Choose how much time to give: ${EXTEND_CHOICES.join(', ')} minutes.` });
    await deps.staff.passes.giveDeskTime(staffOf(res).username, code, minutes.data.minutes, deps.sessions.allowanceResetsAt());
    res.redirect(303, '/staff/sessions?notice=given');
  });

  return r;
}
