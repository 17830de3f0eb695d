// createApp(deps): the Express app with security headers, views, routers, 404 and errors.
// It never listens: main.ts decides which listener serves which surface.
import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import cookieParser from 'cookie-parser';
import type { Deps } from './deps';
import { errorHandler } from './http/error-handler';
import { notFound } from './http/errors';
import { createCsrf } from './http/csrf';
import { translator } from './i18n/translate';
import { localTime, formatHhmm } from './domain/local-time';
import { createProbeHandler } from './portal/probes';
import { captiveApiRouter } from './portal/captive-api';
import { patronRouter } from './portal/patron-routes';
import { privacyRouter } from './portal/privacy-route';
import { splashUrl } from './portal/urls';
import { passRouter } from './portal/pass-routes';
import { staffRouter } from './staff/routes';
import { opsRoutes } from './staff/routes/ops-routes';

export const ROOT = path.join(__dirname, '..');

/** `portal`: the patrons' pages; `staff`: the staff console, health checks and metrics. */
export type Surface = 'portal' | 'staff';

export interface AppOptions {
  /** Which surfaces this app serves; main.ts puts each on its own listener. */
  surfaces?: Surface[];
  /** Whether the app is served over HTTPS (Secure cookies). */
  secure?: boolean;
}

export function createApp(deps: Deps, opts: AppOptions = {}): Express {
  const surfaces = opts.surfaces ?? ['portal'];
  const app = express();
  app.disable('x-powered-by');
  app.set('views', path.join(ROOT, 'views'));
  app.set('view engine', 'ejs');
  app.set('trust proxy', false);

  if (surfaces.includes('portal')) {
    const probes = createProbeHandler(deps.sessions, deps.resolveClient, splashUrl(deps.config));
    app.use((req, res, next) => (probes(req, res) ? undefined : next()));
  }

  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'"],
          connectSrc: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          baseUri: ["'none'"],
          objectSrc: ["'none'"],
        },
      },
      // The portal is reached over plain HTTP by captured clients: no HSTS, no upgrade.
      strictTransportSecurity: false,
      crossOriginEmbedderPolicy: false,
    }),
  );
  const t = translator();
  app.use((req, res, next) => {
    res.locals.t = t;
    res.locals.lang = 'en';
    res.locals.dir = 'ltr';
    res.locals.libraryName = deps.config.libraryName;
    res.locals.terms = deps.config.terms;
    res.locals.fmtTime = (ms: number) => formatHhmm(localTime(ms, deps.config.timezone).minutes);
    res.locals.fmtDateTime = (ms: number) => {
      const lt = localTime(ms, deps.config.timezone);
      return `${lt.weekday[0]!.toUpperCase()}${lt.weekday.slice(1)} ${lt.date} ${formatHhmm(lt.minutes)}`;
    };
    res.locals.path = req.path;
    next();
  });
  app.use('/static', express.static(path.join(ROOT, 'public'), { maxAge: '1h', index: false, fallthrough: true }));
  app.use(express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 }));
  app.use(express.json({ limit: '8kb' }));
  app.use(cookieParser());

  const csrf = createCsrf(deps.csrfSecret, { secure: Boolean(opts.secure) });
  if (surfaces.includes('portal')) {
    app.use(captiveApiRouter(deps));
    app.use(privacyRouter(deps));
    app.use(passRouter(deps, csrf));
    app.use(patronRouter(deps, csrf));
  }
  // ---- Staff console ----
  if (surfaces.includes('staff')) {
    app.use(opsRoutes(deps));
    app.use(staffRouter(deps, { secure: Boolean(opts.secure) }));
  }

  // A captured request for any other page goes to the splash page; the portal's own 404 otherwise.
  app.use((req, res) => {
    const captured = (req.method === 'GET' || req.method === 'HEAD') && !req.path.startsWith('/api/') && !req.path.startsWith('/static/');
    if (surfaces.includes('portal') && captured && !deps.sessions.lookup(deps.resolveClient(req).ip)) {
      res.redirect(302, splashUrl(deps.config));
      return;
    }
    throw notFound('There is no page at this address. Check the link, or start again from the welcome page.');
  });
  app.use(errorHandler(deps.logger));
  return app;
}
