// Operations endpoints on the staff listener: liveness, readiness (this gateway can write) and
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
      // Ready exactly when this gateway can write its own records (a PING to any node is not enough).
      await deps.store.checkWritable(deps.config.gatewayId);
      res.json({ status: 'ready', store: deps.store.kind });
    } catch (err) {
      deps.logger.warn({ err }, 'readiness check failed: this gateway cannot write its records to the store');
      res.status(503).json({ status: 'unavailable', store: deps.store.kind, reason: 'this gateway cannot write its records to the store' });
    }
  });

  r.get('/metrics', async (_req, res) => {
    res.set('Cache-Control', 'no-store').type(registry.contentType).send(await registry.metrics());
  });

  return r;
}
