// CSRF protection for every form: a signed double-submit token (csrf-csrf). Nothing is stored
// on the server and the cookie carries no identity: it only proves the form came from this site.
// The signing secret changes every local day, so no cookie value is the same on two days.
import crypto from 'node:crypto';
import { doubleCsrf } from 'csrf-csrf';
import type { Request, RequestHandler } from 'express';
import type { Clock } from '../domain/clock';
import { addDays, localDate } from '../domain/local-time';

export interface Csrf {
  /** Checks the token on POST and other unsafe methods. */
  protect: RequestHandler;
  /** Puts a fresh token in res.locals.csrfToken for forms to embed. */
  provide: RequestHandler;
}

export interface CsrfOptions {
  secure: boolean;
  /** Tells the local day, whose secret signs new tokens. */
  clock: Clock;
  timezone: string;
  cookieName?: string;
  cookiePath?: string;
  sessionIdentifier?: (req: Request) => string;
}

/** The secret for one local day: a new token signed under it cannot be linked to another day's. */
export function daySecret(secret: string, date: string): string {
  return crypto.createHmac('sha256', secret).update(`csrf:${date}`).digest('base64url');
}

export function createCsrf(secret: string, opts: CsrfOptions): Csrf {
  const GENERATING = Symbol('csrf-generating');
  const today = () => localDate(opts.clock.now(), opts.timezone);
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    // New tokens only under today's secret (a cookie from yesterday is replaced, not reused);
    // a form loaded just before midnight and sent just after is still accepted.
    getSecret: (req) => {
      const date = today();
      const generating = (req as (Request & { [GENERATING]?: boolean }) | undefined)?.[GENERATING];
      return generating ? daySecret(secret, date) : [daySecret(secret, date), daySecret(secret, addDays(date, -1))];
    },
    // The staff console binds tokens to the signed-in session; patron forms have none.
    getSessionIdentifier: opts.sessionIdentifier ?? (() => ''),
    cookieName: opts.cookieName ?? 'th_csrf',
    cookieOptions: { sameSite: 'strict', secure: opts.secure, httpOnly: true, path: opts.cookiePath ?? '/' },
    getCsrfTokenFromRequest: (req) => (req.body as Record<string, unknown> | undefined)?._csrf as string | undefined ?? req.headers['x-csrf-token'],
    errorConfig: { statusCode: 403, code: 'EBADCSRFTOKEN', message: 'invalid csrf token' },
  });
  return {
    protect: doubleCsrfProtection,
    provide: (req, res, next) => {
      const marked = req as Request & { [GENERATING]?: boolean };
      marked[GENERATING] = true;
      try {
        res.locals.csrfToken = generateCsrfToken(req, res);
      } finally {
        delete marked[GENERATING];
      }
      next();
    },
  };
}
