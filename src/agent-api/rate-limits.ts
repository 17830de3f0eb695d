// Rate limits for the agent API: enrolment and failed requests per source address (counted under
// a keyed hash, so the limiter holds no raw address), everything else per workstation.
import crypto from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { ClientResolver } from '../http/client';
import { tooManyRequests } from '../http/errors';

export interface AgentLimit {
  limit: number;
  windowMs: number;
  /** Count only requests answered with an error (a working agent is never held back). */
  failuresOnly?: boolean;
  message: string;
}

export function agentRateLimit(key: (req: Request, res: Response) => string, opts: AgentLimit): RequestHandler {
  return rateLimit({
    windowMs: opts.windowMs,
    limit: opts.limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    skipSuccessfulRequests: Boolean(opts.failuresOnly),
    keyGenerator: key,
    handler: (_req, _res, next) => next(tooManyRequests(opts.message, Math.ceil(opts.windowMs / 1000))),
    validate: false,
  });
}

/** A limiter key for the request's source address: an HMAC under a key that lives only in memory. */
export function addressKey(resolveClient: ClientResolver): (req: Request) => string {
  const secret = crypto.randomBytes(32);
  return (req) => crypto.createHmac('sha256', secret).update(resolveClient(req).ip).digest('base64url');
}
