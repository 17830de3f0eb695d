// Operations endpoints on the staff listener: liveness, readiness (this gateway can write) and
// Prometheus metrics (aggregate only, behind a bearer token). No sign-in: monitoring systems call them.
import crypto from 'node:crypto';
import { Router, type Request } from 'express';
import type { Deps } from '../../deps';
import type { Registry } from 'prom-client';
import { createMetrics } from '../metrics';

export function opsRoutes(deps: Deps): Router {
  const r = Router();
  // Made for the first scrape that is let in: a gateway nobody monitors never loads prom-client.
  let registry: Registry | undefined;

  r.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  r.get('/readyz', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    try {
      // Ready exactly when this gateway can write its own records (a PING to any node is not enough).
      await deps.store.checkWritable(deps.config.gatewayId);
      res.json({ status: 'ready', store: deps.store.kind });
    } catch (err) {
      deps.logger.warn({ err }, 'readiness check failed: this gateway cannot write its records to the store');
      res.status(503).json({ status: 'unavailable', store: deps.store.kind, reason: 'this gateway cannot write its records to the store' });
    }
  });

  r.get('/metrics', async (req, res) => {
    if (!bearerMatches(req, deps.config.metricsToken)) {
      const why = deps.config.metricsToken
        ? 'send the metrics token as "Authorization: Bearer <METRICS_TOKEN>"'
        : 'metrics are off until METRICS_TOKEN is set in the gateway\'s configuration; then send it as "Authorization: Bearer <token>"';
      res.status(401).set('WWW-Authenticate', 'Bearer realm="metrics"').set('Cache-Control', 'no-store').json({ error: 'unauthorized', message: `Not signed in: ${why}.` });
      return;
    }
    registry ??= createMetrics(deps);
    res.set('Cache-Control', 'no-store').type(registry.contentType).send(await registry.metrics());
  });

  return r;
}

/** Whether the request carries the configured bearer token (compared in constant time). */
function bearerMatches(req: Request, token: string | undefined): boolean {
  if (!token) return false;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) return false;
  const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
  return crypto.timingSafeEqual(digest(m[1]!), digest(token));
}
