// Cluster answers that mean "this slot is moving, or its master is changing": the command did
// not run, so it is sent again after a short wait instead of failing the caller.

/** The answers a slot migration or failover gives before a command runs. */
const TRANSIENT = /^(TRYAGAIN|ASK|MOVED|CLUSTERDOWN)\b|^Too many Cluster redirections/;

/** How long a command keeps being tried again (the store's command budget). */
export const TRANSIENT_BUDGET_MS = 5000;

/** True for an error that says the command was refused before it ran, for a moving slot. */
export function isTransient(err: unknown): boolean {
  return err instanceof Error && TRANSIENT.test(err.message);
}

/**
 * Runs `fn`, trying again with a growing wait (50 ms up to 500 ms) while it fails with a
 * transient Cluster answer, until `budgetMs` has gone by; then the last error is thrown (the
 * patron path's breaker then admits the patron locally and writes the grant through later).
 * Safe for any command: a refused command has not run.
 */
export async function retryTransient<T>(fn: () => Promise<T>, budgetMs = TRANSIENT_BUDGET_MS): Promise<T> {
  const deadline = Date.now() + budgetMs;
  for (let delay = 50; ; delay = Math.min(delay * 2, 500)) {
    try {
      return await fn();
    } catch (err) {
      if (!isTransient(err) || Date.now() + delay > deadline) throw err;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
