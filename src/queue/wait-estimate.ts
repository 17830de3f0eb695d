// How long a ticket waits, from the running sessions' end times only: no history is kept.

/**
 * When the ticket at `position` (1 = next) can expect a PC: at once if enough PCs are free;
 * else at the end of the running session that will be its turn, wrapping round with a full
 * session length per round. Undefined when no session runs and no PC is free (unknown).
 */
export function expectedAt(position: number, freePcs: number, endsAts: readonly number[], sessionMs: number, now: number): number | undefined {
  if (position <= freePcs) return now;
  const ends = [...endsAts].sort((a, b) => a - b);
  if (ends.length === 0) return undefined;
  const i = position - freePcs - 1;
  const round = Math.floor(i / ends.length);
  return Math.max(now, ends[i % ends.length]! + round * sessionMs);
}

/** Whole minutes until `at`, at least 0, rounded up. */
export function minutesUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 60_000));
}
