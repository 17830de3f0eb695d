// Rate limits for patron actions. Clients are counted under a keyed hash of their address, so
// even the limiter's memory holds no raw address.
import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import { patronError } from './errors';
import type { MessageKey } from '../i18n/en';
import { addressKeyer, type ClientResolver } from './client';
import type { RandomSource } from '../privacy/random';

export function patronRateLimit(
  resolveClient: ClientResolver,
  opts: { limit: number; windowMs: number; skipSuccessfulRequests?: boolean; messageKey?: MessageKey; random?: RandomSource },
): RequestHandler {
  return rateLimit({
    windowMs: opts.windowMs,
    limit: opts.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: opts.skipSuccessfulRequests ?? false,
    keyGenerator: addressKeyer(resolveClient, opts.random),
    handler: (_req, _res, next) =>
      next(patronError(429, 'too_many_requests', opts.messageKey ?? 'error.rateLimited', { headers: { 'Retry-After': String(Math.ceil(opts.windowMs / 1000)) } })),
    validate: false,
  });
}
