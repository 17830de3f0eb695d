// Doing a lot of small work without freezing the gateway: walk in chunks and let the event loop
// run (probes, grants, Redis replies) between them. Every periodic job goes through here.

/** Items handled between two yields: small enough that a chunk takes well under a millisecond or two. */
export const CHUNK = 500;

/** Lets everything waiting on the event loop run before going on. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Calls `each` on the items a chunk at a time, yielding to the event loop after every chunk.
 * Works on a live Map iterator too: entries deleted meanwhile are skipped, added ones visited.
 */
export async function forEachChunk<T>(items: Iterable<T>, each: (chunk: T[]) => Promise<void> | void, size = CHUNK): Promise<void> {
  let chunk: T[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length < size) continue;
    await each(chunk);
    chunk = [];
    await yieldToLoop();
  }
  if (chunk.length) await each(chunk);
}
