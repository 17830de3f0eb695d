// Staff accounts (admin only): list, add, reset a password, remove. The last admin stays.
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps';
import type { Csrf } from '../../http/csrf';
import { DomainError } from '../../domain/errors';
import { notFound } from '../../http/errors';
import { fieldErrors, formValues } from '../../http/forms';
import { param, staffOf } from '../guards';
import { passwordsDiffer, passwordsMatch } from '../passwords';

const NOTICES: Record<string, string> = {
  added: 'The account was added.',
  reset: 'The password was changed and the account was signed out everywhere.',
  removed: 'The account was removed and signed out everywhere.',
};

const PASSWORDS = { password: { max: 300 }, password2: { max: 300 } } as const;
/** A new password, typed twice. */
const passwordForm = z.object({ password: z.string(), password2: z.string() }).refine(passwordsMatch, passwordsDiffer());

/** A new account: the role first, then the password typed twice (user name and password rules are the service's). */
const accountForm = z
  .object({ username: z.string(), role: z.enum(['staff', 'admin'], { error: 'Choose a role: staff or admin.' }), password: z.string(), password2: z.string() })
  .refine(passwordsMatch, passwordsDiffer());

function form(body: unknown): Record<'username' | 'role' | 'password' | 'password2', string> {
  const v = formValues(body, { username: { max: 64 }, role: { max: 10 }, ...PASSWORDS });
  return { ...v, username: v.username.trim().toLowerCase() };
}

/** Runs an account change; a field problem re-renders the form instead of an error page. */
async function withFields(render: (errors: Record<string, string>) => Promise<void>, action: () => Promise<void>): Promise<boolean> {
  try {
    await action();
    return true;
  } catch (err) {
    if (err instanceof DomainError && err.fields) {
      await render(err.fields);
      return false;
    }
    throw err;
  }
}

export function accountsRoutes(deps: Deps, csrf: Csrf): Router {
  const r = Router();

  const renderList = async (res: Response, status: number, values: Record<string, string>, errors: Record<string, string> = {}, notice?: string) => {
    res.status(status).render('staff/accounts', { accounts: await deps.staff.accounts.list(), values, errors, notice });
  };
  const accountOr404 = async (username: string) => {
    const account = await deps.staff.accounts.get(username);
    if (!account) throw notFound(`There is no account named "${username.slice(0, 40)}".`);
    return account;
  };
  const renderOne = async (res: Response, status: number, username: string, errors: Record<string, string> = {}) => {
    res.status(status).render('staff/account', { account: await accountOr404(username), errors, self: staffOf(res).username === username });
  };

  r.get('/staff/accounts', async (req, res) => {
    const notice = typeof req.query.notice === 'string' ? NOTICES[req.query.notice] : undefined;
    await renderList(res, 200, { username: '', role: 'staff' }, {}, notice);
  });

  r.post('/staff/accounts', csrf.protect, csrf.provide, async (req, res) => {
    const v = form(req.body);
    const values = { username: v.username, role: v.role === 'admin' ? 'admin' : 'staff' };
    const parsed = accountForm.safeParse(v);
    if (!parsed.success) return renderList(res, 400, values, fieldErrors(parsed.error.issues));
    const ok = await withFields(
      (errors) => renderList(res, 400, values, errors),
      async () => void (await deps.staff.accounts.add(staffOf(res).username, parsed.data.username, parsed.data.role, parsed.data.password)),
    );
    if (ok) res.redirect(303, '/staff/accounts?notice=added');
  });

  r.get('/staff/accounts/:username', async (req, res) => {
    await renderOne(res, 200, param(req, 'username'));
  });

  r.post('/staff/accounts/:username/password', csrf.protect, csrf.provide, async (req, res) => {
    const username = param(req, 'username');
    await accountOr404(username);
    const parsed = passwordForm.safeParse(formValues(req.body, PASSWORDS));
    if (!parsed.success) return renderOne(res, 400, username, fieldErrors(parsed.error.issues));
    const ok = await withFields(
      (errors) => renderOne(res, 400, username, errors),
      () => deps.staff.accounts.resetPassword(staffOf(res).username, username, parsed.data.password),
    );
    if (ok) res.redirect(303, '/staff/accounts?notice=reset');
  });

  r.post('/staff/accounts/:username/remove', csrf.protect, async (req, res) => {
    await deps.staff.accounts.remove(staffOf(res).username, param(req, 'username'));
    res.redirect(303, '/staff/accounts?notice=removed');
  });

  return r;
}
