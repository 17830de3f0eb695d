// Prometheus metrics for the staff listener: a Registry per app (no global default registry),
// aggregate figures only — counts per zone, never a session, address or code, and no count
// finer than the small-cell rule allows (live counts rounded down to a multiple of k).
import type { Registry } from 'prom-client';
import type { Deps } from '../deps';
import { localDate, zonedTime } from '../domain/local-time';
import { STAT_COUNTERS } from '../store/types';
import { publishedLiveCount } from './small-cells';

/** Builds the registry; prom-client (12 MiB) is loaded here, on the first scrape, not at start. */
export function createMetrics(deps: Deps): Registry {
  const { Counter, Gauge, Registry, collectDefaultMetrics } = require('prom-client') as typeof import('prom-client');
  const registers = [new Registry()];
  const [register] = registers as [Registry];
  collectDefaultMetrics({ register });
  const zones = deps.config.zones;

  new Gauge({
    name: 'threshold_info',
    help: 'This gateway: its id, store and firewall backend (always 1)',
    labelNames: ['gateway', 'store', 'firewall'],
    registers,
    collect() {
      this.set({ gateway: deps.config.gatewayId, store: deps.store.kind, firewall: deps.firewall.name }, 1);
    },
  });
  new Gauge({
    name: 'threshold_sessions_live',
    help: 'Patron sessions running on this gateway, per zone, rounded down to a multiple of k (minCellSessions): 0 means fewer than k',
    labelNames: ['zone'],
    registers,
    collect() {
      const now = deps.clock.now();
      const k = deps.config.minCellSessions;
      for (const z of zones) this.set({ zone: z.id }, publishedLiveCount(deps.sessions.live.countInZone(z.id, now), k));
    },
  });
  new Gauge({
    name: 'threshold_store_up',
    help: '1 when the store answers, 0 when it does not',
    registers,
    async collect() {
      this.set(await deps.store.ping().then(() => 1, () => 0));
    },
  });
  new Counter({
    name: 'threshold_store_client_revivals_total',
    help: 'Times the store client ended by itself (stopped reconnecting for good) and a new one took its place (0 on SQLite)',
    registers,
    collect() {
      this.reset();
      this.inc(deps.store.clientRevivals ?? 0);
    },
  });
  new Gauge({
    name: 'threshold_policy_session_minutes',
    help: 'The session length in force, per zone',
    labelNames: ['zone'],
    registers,
    collect() {
      for (const z of zones) this.set({ zone: z.id }, deps.sessions.policies.peek(z.id)?.sessionMinutes ?? 0);
    },
  });
  new Gauge({
    name: 'threshold_today',
    help: "Today's aggregate counters per zone, summed over every gateway sharing the store, from the published (at least k) hour cells only",
    labelNames: ['zone', 'counter'],
    registers,
    async collect() {
      const now = deps.clock.now();
      const from = zonedTime(localDate(now, deps.config.timezone), 0, deps.config.timezone);
      const rows = await deps.staff.stats.publishedRows(from, now + 1).catch(() => []);
      for (const z of zones) {
        for (const c of STAT_COUNTERS) this.set({ zone: z.id, counter: c }, rows.filter((r) => r.zoneId === z.id).reduce((n, r) => n + r.counts[c], 0));
      }
    },
  });
  return register;
}
