// CSRF protection for every form: a signed double-submit token (csrf-csrf). Nothing is stored
// on the server and the cookie carries no identity: it only proves the form came from this site.
import { doubleCsrf } from 'csrf-csrf';
import type { Request, RequestHandler } from 'express';

export interface Csrf {
  /** Checks the token on POST and other unsafe methods. */
  protect: RequestHandler;
  /** Puts a fresh token in res.locals.csrfToken for forms to embed. */
  provide: RequestHandler;
}

export function createCsrf(
  secret: string,
  opts: { secure: boolean; cookieName?: string; cookiePath?: string; sessionIdentifier?: (req: Request) => string },
): Csrf {
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => secret,
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
      res.locals.csrfToken = generateCsrfToken(req, res);
      next();
    },
  };
}
