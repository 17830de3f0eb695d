// Any signed-in staff member changes their own password: the current one, then the new one
// twice. Afterwards every console session of the account ends and the sign-in page says why.
import { Router, type Response } from 'express';
import type { Deps } from '../../deps';
import { DomainError } from '../../domain/errors';
import type { Csrf } from '../../http/csrf';
import { formValues } from '../../http/forms';
import { PASSWORD_MIN } from '../passwords';
import { staffOf } from '../guards';

const FIELDS = { current: { max: 300 }, password: { max: 300 }, password2: { max: 300 } } as const;

export function ownPasswordRoutes(deps: Deps, csrf: Csrf): Router {
  const r = Router();
  const render = (res: Response, status: number, errors: Record<string, string> = {}) =>
    res.status(status).render('staff/own-password', { errors, min: PASSWORD_MIN });

  r.get('/staff/password', (_req, res) => render(res, 200));

  r.post('/staff/password', csrf.protect, csrf.provide, async (req, res) => {
    const v = formValues(req.body, FIELDS);
    if (!v.current) return render(res, 400, { current: 'Type your current password.' });
    if (v.password !== v.password2) return render(res, 400, { password2: 'The two new passwords are not the same. Type the same password twice.' });
    try {
      await deps.staff.accounts.changeOwnPassword(staffOf(res).username, v.current, v.password);
    } catch (err) {
      if (err instanceof DomainError && err.fields) return render(res, 400, err.fields);
      throw err;
    }
    res.redirect(303, '/staff/login?notice=password-changed');
  });
  return r;
}
