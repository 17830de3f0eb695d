// Rate limits for sign-in and setup attempts, counted per client under a keyed hash of its
// address (never the raw address). The hash key is random, made per process and held only in
// this gateway's memory: the shared Redis holds the counts but never the key, so no one who can
// read Redis can try addresses against them and recover which staff computer signed in.
import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import type { Deps } from '../deps';
import { addressKeyer } from '../http/client';
import { tooManyRequests } from '../http/errors';

/** Failed attempts a client may make per window. */
export const LOGIN_ATTEMPTS = 10;
export const LOGIN_WINDOW_MS = 15 * 60_000;

export function loginRateLimit(deps: Deps, name: string): RequestHandler {
  // From the gateway's own config when set (the same on every gateway, so they share one count),
  // else per process and never stored: a restart starts the counts afresh, which gives an
  // attacker no more than waiting out the window, and each gateway counts its own clients.
  const hashKey = deps.config.staffLimiterKey ?? deps.random.bytes(32);
  const store = deps.store.staff.sharedRateLimit?.(name);
  return rateLimit({
    windowMs: LOGIN_WINDOW_MS,
    limit: LOGIN_ATTEMPTS,
    // A successful sign-in (a redirect) is not counted: only failures use up attempts.
    skipSuccessfulRequests: true,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    ...(store ? { store } : {}),
    keyGenerator: addressKeyer(deps.resolveClient, hashKey),
    handler: (_req, _res, next) =>
      next(tooManyRequests(`Too many failed attempts from this computer. Wait ${LOGIN_WINDOW_MS / 60_000} minutes and try again.`, LOGIN_WINDOW_MS / 1000)),
    validate: false,
  });
}
