// The walk every periodic job goes through: chunks sized by time on an injected clock (each item
// "costs" a fixed time, nothing is timed), a turn of the event loop after each chunk.
import { CHUNK, FIRST_CHUNK, MIN_CHUNK, SLICE_MS, Slicer, forEachChunk, forEachPage, nextChunkSize, takeChunk } from '../../src/jobs/chunks';
import { inChunks } from '../../src/store/sqlite/chunked-delete';

/** A clock that the items move on: `cost` ms per item handled. */
function costedWalk(cost: (item: number) => number) {
  let t = 0;
  const chunks: { size: number; ms: number }[] = [];
  let yields = 0;
  return {
    now: () => t,
    pause: async () => {
      yields++;
    },
    each: (chunk: number[]) => {
      const before = t;
      for (const item of chunk) t += cost(item);
      chunks.push({ size: chunk.length, ms: t - before });
    },
    chunks,
    yields: () => yields,
  };
}

describe('forEachChunk', () => {
  it('when items cost the same, then every chunk after the first holds at most the slice and the walk yields after each', async () => {
    const w = costedWalk(() => 0.05);
    const items = Array.from({ length: 20_000 }, (_, i) => i);
    const yields = await forEachChunk(items, w.each, { sliceMs: 5, now: w.now, pause: w.pause });
    expect(w.chunks[0]!.size).toBe(FIRST_CHUNK);
    expect(w.chunks.reduce((n, c) => n + c.size, 0)).toBe(20_000);
    for (const c of w.chunks) expect(c.ms).toBeLessThanOrEqual(5 + 1e-9);
    // 20,000 × 0.05 ms is 1,000 ms of work: at least 200 slices of 5 ms.
    expect(yields).toBeGreaterThanOrEqual(200);
    expect(yields).toBe(w.yields());
    expect(yields).toBe(w.chunks.length - 1);
  });

  it('when items become dearer midway, then the next chunk shrinks to the slice at the new cost', async () => {
    const w = costedWalk((i) => (i < 5_000 ? 0.01 : 0.5));
    const items = Array.from({ length: 8_000 }, (_, i) => i);
    await forEachChunk(items, w.each, { sliceMs: 5, now: w.now, pause: w.pause });
    // One chunk straddles the change (each checks the slicer between dear items, see below);
    // after the next, every chunk is back within the slice.
    const straddle = w.chunks.findIndex((c) => c.ms > 5 + 1e-9);
    expect(straddle).toBeGreaterThan(0);
    for (const c of w.chunks.slice(straddle + 2)) expect(c.ms).toBeLessThanOrEqual(5 + 1e-9);
    expect(w.chunks[straddle + 2]!.size).toBe(10);
  });

  it('when the handler checks the slicer between dear items, then no stretch between two turns holds more than the slice and one item', async () => {
    let t = 0;
    let lastTurn = 0;
    let longest = 0;
    const pause = async () => {
      longest = Math.max(longest, t - lastTurn);
      lastTurn = t;
    };
    // Cheap, then every item dear (a closing time: every session ends at once).
    const cost = (i: number) => (i < 3_000 ? 0.01 : 2);
    await forEachChunk(Array.from({ length: 4_000 }, (_, i) => i), async (chunk, slicer) => {
      for (const i of chunk) {
        t += cost(i);
        await slicer.maybeYield();
      }
    }, { sliceMs: 5, now: () => t, pause });
    expect(longest).toBeLessThanOrEqual(5 + 2);
  });

  it('when items are free, then chunks grow by doubling up to the limit given', async () => {
    const w = costedWalk(() => 0);
    await forEachChunk(Array.from({ length: 5_000 }, (_, i) => i), w.each, { max: 1000, now: w.now, pause: w.pause });
    expect(w.chunks.slice(0, 5).map((c) => c.size)).toEqual([64, 128, 256, 512, 1000]);
  });

  it('when the store is slow, then chunks never shrink below the minimum', () => {
    expect(nextChunkSize(64, 1_000, 5)).toBe(MIN_CHUNK);
  });

  it('when the walk is on a live Map, then entries deleted meanwhile are skipped and all others visited', async () => {
    const map = new Map(Array.from({ length: 300 }, (_, i) => [i, i] as const));
    const seen: number[] = [];
    await forEachChunk(map.keys(), (chunk) => {
      for (const k of chunk) {
        seen.push(k);
        map.delete(k + 100);
      }
    }, { pause: async () => {} });
    expect(seen).not.toContain(299);
    expect(new Set(seen).size).toBe(seen.length);
  });
});

describe('takeChunk', () => {
  it('when the items run out, then the last chunk holds what is left and the next is empty', () => {
    const it = [1, 2, 3, 4, 5][Symbol.iterator]();
    expect(takeChunk(it, 2)).toEqual([1, 2]);
    expect(takeChunk(it, 2)).toEqual([3, 4]);
    const last = takeChunk(it, 2);
    expect(last).toEqual([5]);
    // A dense array of its own length, not one with holes at the end.
    expect(last.length).toBe(1);
    expect(takeChunk(it, 2)).toEqual([]);
  });

  it('when the items fill the chunks exactly, then the walk visits each once and never yields after the last', async () => {
    const sizes: number[] = [];
    let pauses = 0;
    const yields = await forEachChunk(Array.from({ length: FIRST_CHUNK * 3 }, (_, i) => i), (chunk) => void sizes.push(chunk.length), { max: FIRST_CHUNK, pause: async () => void pauses++ });
    expect(sizes).toEqual([FIRST_CHUNK, FIRST_CHUNK, FIRST_CHUNK]);
    // A yield after each full chunk: the walk cannot know it was the last until it asks again.
    expect(yields).toBe(3);
    expect(pauses).toBe(3);
  });
});

describe('forEachPage (walks of the store: the reconcile, the key pruning, a policy change)', () => {
  /** A store of `total` records whose read costs `cost` ms per record on the injected clock. */
  function pagedStore(total: number, cost: (at: number) => number) {
    let t = 0;
    const sizes: number[] = [];
    const ms: number[] = [];
    let pauses = 0;
    return {
      read: async (cursor: string | undefined, size: number) => {
        const at = cursor === undefined ? 0 : Number(cursor);
        const n = Math.min(size, total - at);
        const before = t;
        for (let i = at; i < at + n; i++) t += cost(i);
        sizes.push(size);
        ms.push(t - before);
        return { items: n, ...(at + n < total ? { next: String(at + n) } : {}) };
      },
      pace: { sliceMs: 5, now: () => t, pause: async () => void pauses++ },
      sizes,
      ms,
      pauses: () => pauses,
    };
  }

  it('when records cost the same, then pages after the first hold at most the slice, never more than CHUNK, and the loop runs after each', async () => {
    const s = pagedStore(30_000, () => 0.02);
    let seen = 0;
    await forEachPage(s.read, (p) => void (seen += p.items), s.pace);
    expect(seen).toBe(30_000);
    expect(s.sizes[0]).toBe(FIRST_CHUNK);
    for (const ms of s.ms) expect(ms).toBeLessThanOrEqual(5 + 1e-9);
    // 5 ms at 0.02 ms a record: 250.
    expect(Math.max(...s.sizes)).toBe(250);
    expect(s.pauses()).toBe(s.sizes.length);
  });

  it('when records are cheap, then a page is never larger than CHUNK (a reply stays small)', async () => {
    const s = pagedStore(10_000, () => 0);
    await forEachPage(s.read, () => undefined, s.pace);
    expect(Math.max(...s.sizes)).toBe(CHUNK);
  });

  it('when the handler says stop, then no further page is read', async () => {
    const s = pagedStore(10_000, () => 0.01);
    await forEachPage(s.read, () => false, s.pace);
    expect(s.sizes).toHaveLength(1);
  });
});

describe('Slicer', () => {
  it('when a slice has run its time, then it yields once and starts a new slice', async () => {
    let t = 0;
    let pauses = 0;
    const slicer = new Slicer(5, () => t, async () => {
      pauses++;
    });
    t = 4;
    await slicer.maybeYield();
    expect(pauses).toBe(0);
    t = 5;
    await slicer.maybeYield();
    await slicer.maybeYield();
    expect(pauses).toBe(1);
    expect(slicer.yields).toBe(1);
  });
});

describe('inChunks (the SQLite store\'s deletes)', () => {
  it('when rows are dear, then each statement deletes fewer of them, a turn of the loop between statements, until none is left', async () => {
    let left = 10_000;
    let t = 0;
    const sizes: number[] = [];
    let pauses = 0;
    // Each row costs 0.05 ms: SLICE_MS / 0.05 rows fit in a slice (120 at 6 ms).
    const statements = await inChunks(
      (n) => {
        sizes.push(n);
        const done = Math.min(n, left);
        left -= done;
        t += done * 0.05;
        return done;
      },
      { now: () => t, pause: async () => void pauses++ },
    );
    expect(left).toBe(0);
    expect(statements).toBe(sizes.length);
    expect(pauses).toBe(sizes.length - 1);
    expect(sizes[0]).toBe(FIRST_CHUNK);
    for (const n of sizes) expect(n * 0.05).toBeLessThanOrEqual(SLICE_MS * 2);
    expect(Math.max(...sizes)).toBeLessThan(500);
  });

  it('when rows are cheap, then a statement never deletes more than 500', async () => {
    let left = 5_000;
    const sizes: number[] = [];
    await inChunks(
      (n) => {
        sizes.push(n);
        const done = Math.min(n, left);
        left -= done;
        return done;
      },
      { now: () => 0, pause: async () => undefined },
    );
    expect(left).toBe(0);
    expect(Math.max(...sizes)).toBe(500);
  });
});
