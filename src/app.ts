// createApp(deps): the Express app with security headers, views, routers, 404 and errors.
// It never listens: main.ts decides which listener serves which surface.
import path from 'node:path';
import express, { type Express } from 'express';
import helmet from 'helmet';
import cookieParser from 'cookie-parser';
import type { Deps } from './deps';
import { errorHandler } from './http/error-handler';
import { AppError, patronError } from './http/errors';
import { createCsrf } from './http/csrf';
import { languageMiddleware } from './i18n/middleware';
import { termsFor } from './i18n/terms';
import { humanWhen } from './i18n/human-time';
import type { Lang } from './i18n/languages';
import type { Translate } from './i18n/translate';
import { learnRouter } from './onboarding/learn-routes';
import { localTime, formatHhmm } from './domain/local-time';
import { createProbeHandler } from './portal/probes';
import { captiveApiRouter } from './portal/captive-api';
import { patronRouter } from './portal/patron-routes';
import { queueRouter } from './queue/queue-routes';
import { displayRouter } from './queue/display-route';
import { privacyRouter } from './portal/privacy-route';
import { splashUrl } from './portal/urls';
import { passRouter } from './portal/pass-routes';
import { helpRouter } from './portal/help-routes';
import { bannerText, logoPath } from './branding/settings-types';
import { logoRouter } from './branding/logo-route';
import { AGENT_API_BASE } from './workstations/protocol';

export const ROOT = path.join(__dirname, '..');

/** `portal`: the patrons' pages; `staff`: the staff console, health checks and metrics; `agent`: the workstation agent API. */
export type Surface = 'portal' | 'staff' | 'agent';

export interface AppOptions {
  /** Which surfaces this app serves; main.ts puts each on its own listener. */
  surfaces?: Surface[];
  /** Whether the app is served over HTTPS (Secure cookies). */
  secure?: boolean;
}

type ProbeHandler = ReturnType<typeof createProbeHandler>;
const PROBES = new WeakMap<Express, ProbeHandler>();

/** The captive-probe handler of an app that serves the portal, for a listener to call before Express. */
export function probesOf(app: Express): ProbeHandler {
  const probes = PROBES.get(app);
  if (!probes) throw new Error('this app does not serve the portal: it has no probe handler');
  return probes;
}

export function createApp(deps: Deps, opts: AppOptions = {}): Express {
  const surfaces = opts.surfaces ?? ['portal'];
  const app = express();
  app.disable('x-powered-by');
  app.set('views', path.join(ROOT, 'views'));
  app.set('view engine', 'ejs');
  // Compile each template once, whatever NODE_ENV says: pages are rendered on every patron request.
  app.set('view cache', true);
  app.set('trust proxy', false);

  // Public workstations: JSON for agents, with its own headers, body limit and rate
  // limits, ahead of the pages' middleware (heartbeats are the hottest path).
  // Each surface's routes (and what they need) are loaded only by an app that serves it.
  if (surfaces.includes('agent')) {
    const { agentApiRouter } = require('./agent-api/agent-routes') as typeof import('./agent-api/agent-routes');
    app.use(AGENT_API_BASE, agentApiRouter(deps));
  }

  if (surfaces.includes('portal')) {
    const probes = createProbeHandler(deps.sessions, deps.resolveClient, splashUrl(deps.config));
    // The listener answers probes before Express with this same handler (main.ts, probesOf).
    PROBES.set(app, probes);
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
  // The patron's language: res.locals.t, lang, dir, url() and the language switcher.
  // A staff-only app answers its few pages outside /staff in English; under /staff the console
  // sets its own language (the staff member's choice, else Accept-Language: staff-language.ts).
  app.use(languageMiddleware(surfaces.includes('portal') ? { portalUrl: deps.config.portalUrl } : { only: 'en' }));
  app.use(async (req, res, next) => {
    // The library's settings from the console, else the config file's (src/branding/).
    const library = await deps.library.current();
    const lang = res.locals.lang as Lang;
    res.locals.libraryName = library.libraryName ?? deps.config.libraryName;
    res.locals.terms = library.terms?.[lang] || termsFor(deps.config, lang);
    res.locals.banner = bannerText(library, lang, deps.clock.now());
    res.locals.logoUrl = library.logo ? logoPath(library.logo) : undefined;
    res.locals.fmtTime = (ms: number) => formatHhmm(localTime(ms, deps.config.timezone).minutes);
    res.locals.fmtDateTime = (ms: number) => {
      const lt = localTime(ms, deps.config.timezone);
      const weekday = new Intl.DateTimeFormat(res.locals.lang, { weekday: 'short', timeZone: deps.config.timezone }).format(ms);
      return `${weekday} ${lt.date} ${formatHhmm(lt.minutes)}`;
    };
    // Patron pages: "today at 09:00", "tomorrow at 10:00", in the patron's language.
    res.locals.fmtWhen = (ms: number) => humanWhen(res.locals.t as Translate, res.locals.lang as Lang, ms, deps.clock.now(), deps.config.timezone);
    res.locals.path = req.path;
    // The splash and status pages link to the kiosk queue where the library has one.
    res.locals.queueLink = deps.queue.zones().length > 0 ? '/queue' : undefined;
    next();
  });
  app.use('/static', express.static(path.join(ROOT, 'public'), { maxAge: '1h', index: false, fallthrough: true }));
  // A zone's policy form has up to 23 fields (hours of each day, the queue's hold and switch).
  app.use(express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 30 }));
  app.use(express.json({ limit: '8kb' }));
  app.use(cookieParser());
  // cookie-parser turns "j:…" values into JSON objects; every cookie Threshold reads is a string,
  // so anything else is dropped here rather than reaching code that expects a string.
  app.use((req, _res, next) => {
    const cookies = req.cookies as Record<string, unknown> | undefined;
    if (cookies) for (const [k, v] of Object.entries(cookies)) if (typeof v !== 'string') delete cookies[k];
    next();
  });

  const csrf = createCsrf(deps.csrfSecret, { secure: Boolean(opts.secure), clock: deps.clock, timezone: deps.config.timezone });
  if (surfaces.includes('portal')) {
    // The library's logo (src/branding/); the console serves it under /staff for its settings page.
    app.use(logoRouter(deps));
    app.use(captiveApiRouter(deps));
    app.use(privacyRouter(deps));
    app.use(passRouter(deps, csrf));
    app.use(helpRouter(deps, csrf));
    app.use(learnRouter(deps));
    app.use(queueRouter(deps, csrf));
    app.use(displayRouter(deps));
    app.use(patronRouter(deps, csrf));
  }
  if (surfaces.includes('staff')) {
    const { opsRoutes } = require('./staff/routes/ops-routes') as typeof import('./staff/routes/ops-routes');
    const { staffRouter } = require('./staff/routes') as typeof import('./staff/routes');
    app.use(opsRoutes(deps));
    app.use(staffRouter(deps, { secure: Boolean(opts.secure) }));
  }

  // A captured request for any other page goes to the splash page; the portal's own 404 otherwise.
  app.use((req, res) => {
    const captured =
      (req.method === 'GET' || req.method === 'HEAD') && !req.path.startsWith('/api/') && !req.path.startsWith('/static/') && !req.path.startsWith('/learn') && !req.path.startsWith('/branding/');
    if (surfaces.includes('portal') && captured && !deps.sessions.lookup(deps.resolveClient(req).ip)) {
      res.redirect(302, splashUrl(deps.config));
      return;
    }
    if (req.path.startsWith('/api/')) {
      throw new AppError(404, 'not_found', `There is no API endpoint for ${req.method} ${req.path}. Check the method and the path in the documentation.`);
    }
    throw patronError(404, 'not_found', 'error.notFound');
  });
  app.use(errorHandler(deps.logger));
  return app;
}
