// The fleet router on its own, as the staff console mounts it but without sign-in: the
// router mounted under /staff behind a stub guard, with the app's CSRF, CSP and error handler.
import path from 'node:path';
import express, { type Express, type RequestHandler } from 'express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import type { Deps } from '../../src/deps';
import { createCsrf } from '../../src/http/csrf';
import { errorHandler } from '../../src/http/error-handler';
import { AppError } from '../../src/http/errors';
import { translator } from '../../src/i18n/translate';
import { fleetRouter } from '../../src/staff/fleet-routes';

const ROOT = path.join(__dirname, '..', '..');

/** `staff: false` puts a guard that turns everyone away, as the real one does when not signed in. */
export function fleetTestApp(deps: Deps, opts: { staff?: boolean } = {}): Express {
  const app = express();
  app.set('views', path.join(ROOT, 'views'));
  app.set('view engine', 'ejs');
  app.use(helmet({ contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'self'"], styleSrc: ["'self'"], scriptSrc: ["'self'"], imgSrc: ["'self'", 'data:'], formAction: ["'self'"], frameAncestors: ["'none'"] } } }));
  app.use('/static', express.static(path.join(ROOT, 'public')));
  app.use(cookieParser());
  app.use((_req, res, next) => {
    Object.assign(res.locals, { t: translator(), lang: 'en', dir: 'ltr', libraryName: deps.config.libraryName });
    next();
  });
  const requireStaff: RequestHandler =
    opts.staff === false ? (_req, _res, next) => next(new AppError(401, 'sign_in', 'Sign in as staff to see this page.')) : (_req, _res, next) => next();
  app.use(fleetRouter(deps, { requireStaff, csrf: createCsrf(deps.csrfSecret, { secure: false, clock: deps.clock, timezone: deps.config.timezone }) }));
  app.use(errorHandler(deps.logger));
  return app;
}
