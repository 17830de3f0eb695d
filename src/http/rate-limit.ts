// Rate limits for patron actions. Clients are counted under a keyed hash of their address, so
// even the limiter's memory holds no raw address.
import crypto from 'node:crypto';
import { rateLimit } from 'express-rate-limit';
import type { RequestHandler } from 'express';
import { tooManyRequests } from './errors';
import type { ClientResolver } from './client';

export function patronRateLimit(
  resolveClient: ClientResolver,
  opts: { limit: number; windowMs: number; skipSuccessfulRequests?: boolean; message?: string },
): RequestHandler {
  const key = crypto.randomBytes(32);
  return rateLimit({
    windowMs: opts.windowMs,
    limit: opts.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: opts.skipSuccessfulRequests ?? false,
    keyGenerator: (req) => crypto.createHmac('sha256', key).update(resolveClient(req).ip).digest('base64url'),
    handler: (_req, _res, next) =>
      next(tooManyRequests(opts.message ?? 'You have done this too many times in a short while. Please wait a minute and try again.', Math.ceil(opts.windowMs / 1000))),
    validate: false,
  });
}
