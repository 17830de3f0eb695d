// Operations endpoints on the staff listener: liveness, readiness (the store answers) and
// Prometheus metrics (aggregate only). No sign-in: monitoring systems call them.
import { Router } from 'express';
import type { Deps } from '../../deps';
import { createMetrics } from '../metrics';

export function opsRoutes(deps: Deps): Router {
  const r = Router();
  const registry = createMetrics(deps);

  r.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });

  r.get('/readyz', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    try {
      await deps.store.ping();
      res.json({ status: 'ready', store: deps.store.kind });
    } catch (err) {
      deps.logger.warn({ err }, 'readiness check failed: the store does not answer');
      res.status(503).json({ status: 'unavailable', store: deps.store.kind, reason: 'the store does not answer' });
    }
  });

  r.get('/metrics', async (_req, res) => {
    res.set('Cache-Control', 'no-store').type(registry.contentType).send(await registry.metrics());
  });

  return r;
}
