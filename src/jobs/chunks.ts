// Doing a lot of small work without freezing the gateway: walk in chunks and let the event loop
// run (probes, grants, Redis replies) between them. Every periodic job goes through here.
//
// A chunk is sized by time, not by a fixed count: each one holds about SLICE_MS of work at the
// pace the last one ran, so the limit holds on a fast machine, a slow one and a busy one alike.
import { performance } from 'node:perf_hooks';

/** Records per store page (scanSessions), so a page's reply and parse stay small. */
export const CHUNK = 500;
/**
 * Work between two turns of the event loop, in ms of real time (the target is 20 ms; this leaves
 * room for GC). 3 ms gave a lower probe p99 during jobs, but the Redis reconcile, paged to the
 * slice with its round trips, then ran past its test's time beside two CPU hogs (docs/benchmarks.md).
 */
export const SLICE_MS = 6;
/** The first chunk of a walk, before its pace is known. */
export const FIRST_CHUNK = 64;
/** Never fewer than this per chunk (a slow store must still make progress). */
export const MIN_CHUNK = 8;
/** Never more than this per chunk, however cheap the items. */
export const MAX_CHUNK = 8192;

/** How a walk is paced; the clock and the pause are injected by tests. */
export interface Pace {
  /** Work per chunk (ms). */
  sliceMs?: number;
  /** At most this many items per chunk. */
  max?: number;
  /** Milliseconds, monotonic (default: performance.now). */
  now?: () => number;
  /** Gives the event loop a turn (default: setImmediate). */
  pause?: () => Promise<void>;
}

/** Lets everything waiting on the event loop run before going on. */
export function yieldToLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const systemNow = (): number => performance.now();

/**
 * The next chunk's size: as many items as fit in `sliceMs` at the pace the last chunk ran, at
 * most twice the last (a cheap stretch says little about the next one), within MIN..max.
 */
export function nextChunkSize(size: number, tookMs: number, sliceMs: number, max = MAX_CHUNK): number {
  const fit = tookMs > 0 ? Math.floor((size * sliceMs) / tookMs) : size * 2;
  return Math.max(MIN_CHUNK, Math.min(fit, size * 2, max));
}

/**
 * Calls `each` on the items a chunk at a time, yielding to the event loop after every chunk;
 * each chunk is sized to take about `sliceMs` (see nextChunkSize). Where some items may cost far
 * more than others (a session that ends writes to the store), `each` checks the slicer it is
 * given between them; a chunk that had to yield inside makes the next one half as large.
 * Works on a live Map iterator too: entries deleted meanwhile are skipped, added ones visited.
 * Resolves with the yields made.
 */
export async function forEachChunk<T>(items: Iterable<T>, each: (chunk: T[], slicer: Slicer) => Promise<void> | void, pace: Pace = {}): Promise<number> {
  const sliceMs = pace.sliceMs ?? SLICE_MS;
  const max = pace.max ?? MAX_CHUNK;
  const now = pace.now ?? systemNow;
  const slicer = new Slicer(sliceMs, now, pace.pause ?? yieldToLoop);
  const iterator = items[Symbol.iterator]();
  let size = Math.min(FIRST_CHUNK, max);
  for (;;) {
    const chunk = takeChunk(iterator, size);
    if (!chunk.length) break;
    const before = slicer.yields;
    const started = now();
    await each(chunk, slicer);
    // The last chunk: nothing is left to yield for.
    if (chunk.length < size) break;
    size = slicer.yields > before ? Math.max(MIN_CHUNK, Math.floor(chunk.length / 2)) : nextChunkSize(chunk.length, now() - started, sliceMs, max);
    await slicer.yieldNow();
  }
  return slicer.yields;
}

/**
 * The next `size` items (fewer at the end), in an array sized once. A plain function, so V8
 * compiles its loop: the same loop in an async function stays in the interpreter, where every
 * step allocated (73 bytes an item, 7.3 MB a walk of 100,000 sessions, against 1.2 MB here).
 */
export function takeChunk<T>(iterator: Iterator<T>, size: number): T[] {
  const chunk = new Array<T>(size);
  let n = 0;
  while (n < size) {
    const step = iterator.next();
    if (step.done) break;
    chunk[n++] = step.value;
  }
  chunk.length = n;
  return chunk;
}

/** A page of a store walk: `next` is the cursor of the page after it, absent on the last. */
export interface Paged {
  next?: string | undefined;
}

/**
 * Walks the store a page at a time: `read` gets the cursor and the page's size, `each` handles
 * the page (returns false to stop early). Each page is sized to take about SLICE_MS, its read and
 * its handling together, at the pace the last one ran (at most `max`, CHUNK by default), and the
 * event loop runs between pages. A fixed page of 500 held it 12-14 ms of CPU at 100,000 sessions.
 */
export async function forEachPage<P extends Paged>(read: (cursor: string | undefined, size: number) => Promise<P>, each: (page: P) => Promise<boolean | void> | boolean | void, pace: Pace = {}): Promise<void> {
  const sliceMs = pace.sliceMs ?? SLICE_MS;
  const max = pace.max ?? CHUNK;
  const now = pace.now ?? systemNow;
  const pause = pace.pause ?? yieldToLoop;
  let size = Math.min(FIRST_CHUNK, max);
  let cursor: string | undefined;
  do {
    const started = now();
    const page = await read(cursor, size);
    const go = await each(page);
    cursor = page.next;
    size = nextChunkSize(size, now() - started, sliceMs, max);
    await pause();
    if (go === false) return;
  } while (cursor);
}

/**
 * Yields to the event loop once the current slice has run `sliceMs`: for loops whose cost per
 * step is not known in advance (each step checks `maybeYield`).
 */
export class Slicer {
  private started: number;
  yields = 0;
  constructor(
    private readonly sliceMs = SLICE_MS,
    private readonly now: () => number = systemNow,
    private readonly pause: () => Promise<void> = yieldToLoop,
  ) {
    this.started = now();
  }

  /** True once the current slice has run its time. */
  due(): boolean {
    return this.now() - this.started >= this.sliceMs;
  }

  async maybeYield(): Promise<void> {
    if (this.due()) await this.yieldNow();
  }

  /** Yields whatever the time, and starts a new slice. */
  async yieldNow(): Promise<void> {
    this.yields++;
    await this.pause();
    this.started = this.now();
  }
}
