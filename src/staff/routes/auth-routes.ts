// Signing in and out of the staff console, and the first-run setup page for the first admin.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../../deps';
import type { Csrf } from '../../http/csrf';
import { DomainError } from '../../domain/errors';
import { AppError } from '../../http/errors';
import { fieldErrors, formValues } from '../../http/forms';
import { STAFF_COOKIE } from '../staff-sign-ins';
import { currentStaff, safeNext } from '../guards';
import { loginRateLimit } from '../login-rate-limit';
import { passwordsDiffer, passwordsMatch } from '../passwords';

const signInForm = z.object({ username: z.string().min(1, 'Enter your user name.'), password: z.string().min(1, 'Enter your password.') });
const setupForm = z.object({ password: z.string(), password2: z.string() }).refine(passwordsMatch, passwordsDiffer());

const lowerName = (v: string) => v.trim().toLowerCase();

export function authRoutes(deps: Deps, csrf: Csrf, opts: { secure: boolean }): Router {
  const r = Router();
  const signInLimit = loginRateLimit(deps, 'staff-login');
  const setupLimit = loginRateLimit(deps, 'staff-setup');

  const signInAs = async (req: Request, res: Response, username: string) => {
    await deps.staff.consoleSessions.destroy((req.cookies as Record<string, string> | undefined)?.[STAFF_COOKIE]);
    const token = await deps.staff.consoleSessions.create(username);
    res.cookie(STAFF_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure: opts.secure || req.secure, path: '/staff' });
  };

  const renderLogin = async (res: Response, status: number, locals: { values?: Record<string, string>; errors?: Record<string, string>; error?: string; notice?: string }) => {
    res.status(status).render('staff/login', {
      values: { username: '', next: '/staff', ...locals.values },
      errors: locals.errors ?? {},
      error: locals.error,
      notice: locals.notice,
      noAdmin: !(await deps.staff.accounts.hasAdmin()),
    });
  };

  r.get('/staff/login', async (req, res) => {
    if (currentStaff(res)) return res.redirect(303, safeNext(req.query.next));
    const notice = req.query.notice === 'signed-out' ? 'You are signed out.' : req.query.notice === 'password-changed' ? 'Your password was changed and you were signed out everywhere. Sign in with the new password.' : undefined;
    await renderLogin(res, 200, { values: { next: safeNext(req.query.next) }, notice });
  });

  r.post('/staff/login', signInLimit, csrf.protect, csrf.provide, async (req, res) => {
    const typed = formValues(req.body, { username: { max: 64 }, password: { max: 300 } });
    const username = lowerName(typed.username);
    const password = typed.password;
    const values = { username, next: safeNext((req.body as Record<string, unknown> | undefined)?.next) };
    const form = signInForm.safeParse({ username, password });
    if (!form.success) return renderLogin(res, 400, { values, errors: fieldErrors(form.error.issues) });
    const result = await deps.staff.accounts.signIn(username, password);
    if (!result.ok && result.reason === 'locked') {
      res.setHeader('Retry-After', String(result.retryAfterSeconds));
      const minutes = Math.ceil(result.retryAfterSeconds / 60);
      return renderLogin(res, 429, { values, error: `Too many failed sign-ins for this account. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}, or ask an admin to reset the password.` });
    }
    if (!result.ok) return renderLogin(res, 401, { values, error: 'The user name or password is not right. Check them and try again.' });
    await signInAs(req, res, result.account.username);
    await deps.staff.audit.record(result.account.username, 'staff.sign-in', result.account.username, { key: 'audit.signIn' });
    res.redirect(303, values.next);
  });

  r.post('/staff/logout', csrf.protect, async (req, res) => {
    await deps.staff.consoleSessions.destroy((req.cookies as Record<string, string> | undefined)?.[STAFF_COOKIE]);
    res.clearCookie(STAFF_COOKIE, { httpOnly: true, sameSite: 'strict', secure: opts.secure || req.secure, path: '/staff' });
    res.redirect(303, '/staff/login?notice=signed-out');
  });

  const checkSetup = async (token: unknown) => {
    if (await deps.staff.accounts.hasAdmin()) {
      throw new AppError(410, 'setup_done', 'Setup is finished: an admin account exists. Sign in on the staff console instead.', { title: 'Setup is finished' });
    }
    if (!deps.staff.setup.matches(token)) {
      throw new AppError(403, 'bad_setup_token', 'This setup link is not valid. Use the link Threshold printed when it started; while no admin exists, restarting Threshold prints a new one.', { title: 'Setup link not valid' });
    }
  };

  r.get('/staff/setup', async (req, res) => {
    await checkSetup(req.query.token);
    res.render('staff/setup', { values: { username: '', token: formValues(req.query, { token: {} }).token }, errors: {} });
  });

  r.post('/staff/setup', setupLimit, csrf.protect, csrf.provide, async (req, res) => {
    const typed = formValues(req.body, { token: {}, username: { max: 64 }, password: {}, password2: {} });
    const token = typed.token;
    await checkSetup(token);
    const values = { username: lowerName(typed.username), token };
    const password = typed.password;
    const form = setupForm.safeParse(typed);
    if (!form.success) return res.status(400).render('staff/setup', { values, errors: fieldErrors(form.error.issues) });
    if (!deps.staff.setup.consume(token)) throw new AppError(409, 'setup_race', 'Someone else is finishing setup right now. Reload the page.');
    try {
      await deps.staff.accounts.add('setup', values.username, 'admin', password);
    } catch (err) {
      deps.staff.setup.restore(token);
      if (err instanceof DomainError && err.fields) return res.status(400).render('staff/setup', { values, errors: err.fields });
      throw err;
    }
    await signInAs(req, res, values.username);
    res.redirect(303, '/staff');
  });

  return r;
}
