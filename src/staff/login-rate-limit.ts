// Rate limits for sign-in and setup attempts, counted per client under a keyed hash of its
// address (never the raw address). With Redis every gateway shares the counts and the key.
import crypto from 'node:crypto';
import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import type { Deps } from '../deps';
import { tooManyRequests } from '../http/errors';

/** Failed attempts a client may make per window. */
export const LOGIN_ATTEMPTS = 10;
export const LOGIN_WINDOW_MS = 15 * 60_000;

export function loginRateLimit(deps: Deps, name: string): RequestHandler {
  let key: Promise<string> | undefined;
  const hashKey = () => (key ??= deps.store.staff.ensureSecret('rate-limit-key', deps.random.bytes(32).toString('base64url')));
  const store = deps.store.staff.sharedRateLimit?.(name);
  return rateLimit({
    windowMs: LOGIN_WINDOW_MS,
    limit: LOGIN_ATTEMPTS,
    // A successful sign-in (a redirect) is not counted: only failures use up attempts.
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    ...(store ? { store } : {}),
    keyGenerator: async (req) => crypto.createHmac('sha256', await hashKey()).update(deps.resolveClient(req).ip).digest('base64url'),
    handler: (_req, _res, next) =>
      next(tooManyRequests(`Too many failed attempts from this computer. Wait ${LOGIN_WINDOW_MS / 60_000} minutes and try again.`, LOGIN_WINDOW_MS / 1000)),
    validate: false,
  });
}
