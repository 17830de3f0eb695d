// The staff console at /staff: its own CSRF cookie, who is signed in, the guards, and the
// routes of each area. Every route but sign-in and setup needs a signed-in staff member;
// policies, accounts and the audit log need an admin.
import { Router, type Response } from 'express';
import type { Deps } from '../../deps';
import { createCsrf } from '../../http/csrf';
import { currentStaff, loadStaff, requireAdmin, requireStaff, staffOf } from '../guards';
import { accountsRoutes } from './accounts-routes';
import { auditRoutes } from './audit-routes';
import { deskPassRoutes } from './desk-pass-routes';
import { authRoutes } from './auth-routes';
import { overviewRoutes } from './overview-routes';
import { ownPasswordRoutes } from './own-password-routes';
import { passesRoutes } from './passes-routes';
import { policiesRoutes } from './policies-routes';
import { sessionsRoutes } from './sessions-routes';
import { statsRoutes } from './stats-routes';
import { settingsRoutes } from './settings-routes';
import { logoRouter } from '../../branding/logo-route';
import { fleetRouter } from '../fleet-routes';
import type { AuditDetail } from '../audit-text';
import { speakRemembered, staffLanguage, staffLanguageTools } from '../staff-language';
import { languageRoutes } from './language-routes';
import { staffQueueRouter } from '../../queue/staff-queue-routes';
import { staffStoreGate } from '../store-gate';

/** The console's CSRF cookie: its own name and path, bound to the signed-in session. */
export const STAFF_CSRF_COOKIE = 'th_staff_csrf';

/** Paths only admins may open. */
export const ADMIN_PATHS = ['/staff/policies', '/staff/accounts', '/staff/audit', '/staff/settings'];

export function staffRouter(deps: Deps, opts: { secure: boolean }): Router {
  const router = Router();
  const csrf = createCsrf(deps.csrfSecret, {
    secure: opts.secure,
    clock: deps.clock,
    timezone: deps.config.timezone,
    cookieName: STAFF_CSRF_COOKIE,
    cookiePath: '/staff',
    sessionIdentifier: (req) => (req.res ? currentStaff(req.res)?.tokenHash : undefined) ?? '',
  });

  // The staff listener's root is the console (the portal, when on the same app, answers first).
  router.get('/', (_req, res) => res.redirect(303, '/staff'));
  router.use('/staff', (_req, res, next) => {
    // Staff pages hold live data: never cached, and errors shown in the console's own page.
    res.set('Cache-Control', 'no-store');
    res.locals.errorView = 'staff/error';
    next();
  });
  // The console's language: the browser's (so even an error reading the account is worded in
  // it), then the account's choice once the staff member is known.
  const tools = staffLanguageTools();
  const language = staffLanguage(deps.config.timezone, tools);
  router.use('/staff', language);
  // The store away: the console's own page at once (no account can be read: in the language
  // this browser's account chose last, else the browser's).
  router.use('/staff', staffStoreGate(deps, speakRemembered(deps.config.timezone, tools)));
  router.use('/staff', loadStaff(deps));
  // From here a form may change things: a store that fails now may have saved it (whole or not at all).
  router.use('/staff', (_req, res, next) => {
    res.locals.formStarted = true;
    next();
  });
  router.use('/staff', language);
  // Every page gets a form token (the sign-out button is on every page).
  // HEAD renders the same pages as GET (Express answers it with the GET route), forms included.
  router.use('/staff', (req, res, next) => (req.method === 'GET' || req.method === 'HEAD' ? csrf.provide(req, res, next) : next()));
  router.use(authRoutes(deps, csrf, opts));
  router.use('/staff', requireStaff);
  for (const p of ADMIN_PATHS) router.use(p, requireAdmin);
  router.use(languageRoutes(deps, csrf));
  router.use(overviewRoutes(deps));
  router.use(sessionsRoutes(deps, csrf));
  router.use(deskPassRoutes(deps, csrf));
  router.use(passesRoutes(deps, csrf));
  router.use(statsRoutes(deps));
  router.use(policiesRoutes(deps, csrf));
  router.use(accountsRoutes(deps, csrf));
  router.use(ownPasswordRoutes(deps, csrf));
  router.use(auditRoutes(deps));
  router.use(settingsRoutes(deps, csrf));
  router.use(logoRouter(deps, '/staff'));
  // Public workstations: the fleet pages, under /staff/workstations.
  const audit = (res: Response, action: string, target: string, detail: AuditDetail) => deps.staff.audit.record(staffOf(res).username, action, target, detail);
  const extend = (res: Response, code: string, minutes: number) => deps.staff.live.extend(staffOf(res).username, code, minutes);
  router.use(fleetRouter(deps, { requireStaff, csrf, audit, extend }));
  // The kiosk queue: holds, tickets and bookings, under /staff/queue.
  router.use(staffQueueRouter(deps, { csrf, audit }));
  return router;
}
