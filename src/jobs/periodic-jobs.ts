// The gateway's periodic jobs, named, in one list: main.ts schedules them and the benchmarks run
// the same ones. A job never overlaps itself: a run due while the last is still going is skipped.
import type { Deps } from '../deps';
import type { Logger } from '../logger';
import { RESEAL_EVERY_MS } from '../privacy/day-keys';
import { LEARN_EVERY_MS } from '../sessions/device-addresses';
import { LOG_SUMMARY_MINUTES } from '../sessions/session-log';

/** One periodic job. `run` must yield to the event loop as it goes (see chunks.ts). */
export interface Job {
  /** Named in logs and in the benchmarks' figures. */
  name: string;
  /** How often it is due. */
  everyMs: number;
  run(): Promise<void>;
}

export function periodicJobs(deps: Pick<Deps, 'sessions' | 'store' | 'firewall' | 'clock' | 'config' | 'logger'> & Partial<Pick<Deps, 'library'>>): Job[] {
  return [
    // Sessions whose time, data or activity ran out; the hour's peak.
    { name: 'session tick', everyMs: 5_000, run: () => deps.sessions.tick() },
    // A device's new addresses (IPv6, privacy addresses, a new lease) join its session.
    { name: 'device addresses', everyMs: LEARN_EVERY_MS, run: async () => void (await deps.sessions.learnAddresses()) },
    {
      // Policies, library settings and sessions changed elsewhere (staff console, CLI, other gateways); firewall gaps.
      name: 'reconcile',
      everyMs: 30_000,
      run: async () => {
        await deps.sessions.policies.refresh();
        await deps.library?.refresh();
        await deps.sessions.reconcile();
        await deps.sessions.restoreMissing();
      },
    },
    {
      // Forward secrecy and no link across days: live addresses re-sealed under the current
      // epoch key, keys no record uses destroyed (docs/privacy.md).
      name: 'key rotation',
      everyMs: RESEAL_EVERY_MS,
      run: async () => {
        await deps.sessions.reseal();
        await deps.sessions.pruneKeys();
      },
    },
    {
      // Counts only, never a line per session; each count at least k or "fewer than k".
      name: 'log summary',
      everyMs: LOG_SUMMARY_MINUTES * 60_000,
      run: async () => deps.sessions.tally.flush(deps.logger, deps.config.minCellSessions, LOG_SUMMARY_MINUTES),
    },
    {
      // Day keys past their use, expired records, the walled garden's addresses.
      name: 'sweep',
      everyMs: 10 * 60_000,
      run: async () => {
        await deps.sessions.pruneKeys();
        await deps.store.sweep(deps.clock.now());
        await deps.firewall.refresh?.();
      },
    },
  ];
}

/** A job wrapped so that it never runs twice at once: a call while it runs resolves false at once. */
export function exclusive(job: Job, logger: Logger): () => Promise<boolean> {
  let running = false;
  return async () => {
    if (running) return false;
    running = true;
    try {
      await job.run();
    } catch (err) {
      logger.error({ err, job: job.name }, `${job.name} failed`);
    } finally {
      running = false;
    }
    return true;
  };
}

/** Schedules every job on its own interval; the returned function stops them all. */
export function scheduleJobs(jobs: readonly Job[], logger: Logger): () => void {
  const timers = jobs.map((job) => {
    const run = exclusive(job, logger);
    return setInterval(() => void run(), job.everyMs);
  });
  return () => timers.forEach(clearInterval);
}
