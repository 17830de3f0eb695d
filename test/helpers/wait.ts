// Waiting on a condition, not on time: polls until a check passes or a generous deadline is hit.

/** How long to keep trying, and how long to rest between tries. */
export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Calls `probe` until `done(value)` holds and returns that value; after `timeoutMs` returns the
 * last value anyway, so the test's own assertion reports what was seen instead of a bare timeout.
 */
export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, o: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + (o.timeoutMs ?? 30_000);
  for (;;) {
    const value = await probe();
    if (done(value) || Date.now() >= deadline) return value;
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 200));
  }
}

/** Runs `send` and says how long it took (ms), to check that an answer came at once. */
export async function timed<T>(send: () => Promise<T>): Promise<{ res: T; ms: number }> {
  const started = performance.now();
  const res = await send();
  return { res, ms: performance.now() - started };
}
