// Who is signed in to the console, and the guards in front of every staff route: a signed-in
// staff member for everything but sign-in and setup, an admin for the admin pages.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Deps } from '../deps';
import { AppError, forbidden } from '../http/errors';
import { wantsJson } from '../http/error-handler';
import type { StaffRole } from '../store/staff-types';
import { isLang, type Lang } from '../i18n/languages';
import { STAFF_COOKIE } from './staff-sign-ins';

/** The signed-in staff member, in res.locals.staff. */
export interface StaffUser {
  username: string;
  role: StaffRole;
  tokenHash: string;
  /** The console language the account chose; absent: the browser's. */
  language?: Lang;
}

export function currentStaff(res: Response): StaffUser | undefined {
  return res.locals.staff as StaffUser | undefined;
}

/** The staff user of a response; only for routes behind requireStaff. */
export function staffOf(res: Response): StaffUser {
  const s = currentStaff(res);
  if (!s) throw new AppError(401, 'unauthenticated', 'Sign in to the staff console first.');
  return s;
}

/** Finds the signed-in staff member from the session cookie (sliding its expiry). */
export function loadStaff(deps: Deps): RequestHandler {
  return async (req, res, next) => {
    const token = (req.cookies as Record<string, string> | undefined)?.[STAFF_COOKIE];
    // Through the outage breaker: a store that stops answering now fails within its time limit.
    const guard = deps.sessions.breaker;
    const signedIn = await guard.run(() => deps.staff.consoleSessions.resolve(token));
    // The account is read on every request, so a removed account or changed role counts at once.
    const account = signedIn && (await guard.run(() => deps.staff.accounts.get(signedIn.username)));
    if (signedIn && account) {
      const me: StaffUser = { username: account.username, role: account.role, tokenHash: signedIn.tokenHash };
      if (isLang(account.language)) me.language = account.language;
      res.locals.staff = me;
    }
    next();
  };
}

/** Lets signed-in staff through; sends others to the sign-in page (browsers) or answers 401. */
export function requireStaff(req: Request, res: Response, next: NextFunction): void {
  if (currentStaff(res)) return next();
  if ((req.method === 'GET' || req.method === 'HEAD') && !wantsJson(req)) {
    res.redirect(303, `/staff/login?next=${encodeURIComponent(req.originalUrl)}`);
    return;
  }
  next(new AppError(401, 'unauthenticated', 'Your session has ended or you are not signed in. Sign in to the staff console and try again.', { title: 'Please sign in' }));
}

/** Lets admins through; other staff get a 403 saying who can do it. */
export function requireAdmin(_req: Request, res: Response, next: NextFunction): void {
  if (currentStaff(res)?.role === 'admin') return next();
  next(forbidden('Only an admin can open this page. Ask an admin of the staff console.'));
}

/** A `next` URL is followed only when it is a page of the console itself (no "..", no "//"). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/staff(\/[\w\-./]*)?(\?[\w\-=&%.]*)?$/.test(next) && !next.includes('//') && !next.includes('/..') ? next : '/staff';
}

/** A route parameter as one string (Express types allow arrays for wildcards). */
export function param(req: Request, name: string): string {
  const v = req.params[name] as string | string[] | undefined;
  return (Array.isArray(v) ? v.join('/') : (v ?? '')).slice(0, 64);
}
