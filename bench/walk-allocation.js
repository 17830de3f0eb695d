// Bench: what one walk of the live view allocates, per session, at N live sessions: the session
// tick's sweep (every 5 s, the job run most often) and the chunked walk every periodic job goes
// through (src/jobs/chunks.ts), next to a plain loop over the same sessions and to the walk as
// it was before 2026-12-04 (items pushed into a fresh array from inside the async function),
// all measured in the same process. Garbage is what the scavenger must collect and what, when
// it outlives two scavenges, grows the old generation a full GC must mark: at 100,000 sessions
// the tick allocated 11 MB every run. Target: the sweep within 2× of the bare chunked walk.
// Run alone: npm run build && node bench/walk-allocation.js (BENCH_SESSIONS, default 100000).
'use strict';
const { fork } = require('node:child_process');
const { PerformanceObserver, performance } = require('node:perf_hooks');
const { setImmediate, setTimeout } = require('node:timers');
const { machine, requireDist, runMain } = require('./lib/common');

const N = Number(process.env.BENCH_SESSIONS || 100000);
const RUNS = 5;
/** A new space large enough that one walk never triggers a scavenge (heapUsed then counts all it allocated). */
const FLAGS = ['--expose-gc', '--max-semi-space-size=128', '--min-semi-space-size=128'];

/** The chunked walk as it was: a loop with awaits inside an async function. */
async function walkBefore(items, each) {
  let chunk = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length < 512) continue;
    await each(chunk);
    chunk = [];
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (chunk.length) await each(chunk);
}

function liveSessions() {
  const { LiveView, liveSession } = requireDist('sessions/live-view');
  const live = new LiveView();
  const now = Date.now();
  for (let i = 0; i < N; i++) {
    const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const record = { id: `s${i}`, code: `C${i}`, gatewayId: 'gw1', zoneId: 'wifi', day: '2026-12-04', pseudonym: `p${i}`, sealedAddress: 'v1.e1.x', startedAt: now, endsAt: now + 3_600_000, lastActivityAt: now, via: 'click-through' };
    live.set(liveSession(record, ip, '02:00:00:00:00:01'));
  }
  return live;
}

/** Bytes `work` allocates, from the heap used before and after with no GC between (the median of RUNS, after as many warm-up runs). */
async function allocated(work) {
  const collections = [];
  const observer = new PerformanceObserver((list) => collections.push(...list.getEntries().map((e) => e.startTime)));
  observer.observe({ entryTypes: ['gc'] });
  const bytes = [];
  for (let i = 0; i < RUNS * 2; i++) {
    globalThis.gc();
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
    const from = performance.now();
    const before = process.memoryUsage().heapUsed;
    await work();
    const after = process.memoryUsage().heapUsed;
    const to = performance.now();
    // The observer hears of a collection a turn or two later.
    await new Promise((resolve) => setTimeout(resolve, 20));
    // A walk that a collection ran into says nothing: it is not counted.
    if (i >= RUNS && !collections.some((t) => t >= from && t <= to)) bytes.push(after - before);
  }
  observer.disconnect();
  if (!bytes.length) throw new Error('every measured walk ran into a garbage collection');
  bytes.sort((a, b) => a - b);
  return bytes[Math.floor(bytes.length / 2)];
}

async function child() {
  const { forEachChunk } = requireDist('jobs/chunks');
  const { SessionSweep } = requireDist('sessions/session-sweep');
  const live = liveSessions();
  const now = Date.now();
  const config = { zones: [{ id: 'wifi' }] };
  const sweep = new SessionSweep({ config, firewall: { countsBytes: false }, clock: { now: () => now } }, live, { get: async () => undefined }, { raisePeak: async () => {} }, async () => true);
  const rows = [
    ['plain loop (no chunks, no yields: the floor)', async () => {
      let n = 0;
      for (const s of live.values()) if (s.record.endsAt > now) n++;
      return n;
    }],
    ['chunked walk, empty handler (src/jobs/chunks.ts)', () => forEachChunk(live.values(), () => {})],
    ['session tick sweep (nothing ends)', () => sweep.tick()],
    ['the walk before 2026-12-04, empty handler', () => walkBefore(live.values(), () => {})],
  ];
  const out = [];
  for (const [name, work] of rows) out.push({ name, bytes: await allocated(work) });
  process.send(out);
}

async function main() {
  console.log(`# one walk of ${N} live sessions: bytes allocated (median of ${RUNS}, no GC inside) — ${machine()}`);
  const results = await new Promise((resolve, reject) => {
    const c = fork(module.filename, [], { execArgv: FLAGS, env: { ...process.env, WALK_ALLOCATION_CHILD: '1' } });
    c.once('message', resolve);
    c.once('error', reject);
    c.once('exit', (code) => code && reject(new Error(`the measuring child exited ${code}`)));
  });
  const walk = results.find((r) => r.name.startsWith('chunked walk')).bytes;
  for (const r of results) console.log(`  ${r.name.padEnd(48)} ${(r.bytes / 2 ** 20).toFixed(2).padStart(6)} MiB, ${(r.bytes / N).toFixed(1).padStart(5)} bytes a session = ${(r.bytes / walk).toFixed(2)}× the chunked walk`);
  const tick = results.find((r) => r.name.startsWith('session tick')).bytes;
  const ok = tick <= 2 * walk;
  console.log(`target: the sweep within 2× of the bare chunked walk — ${ok ? 'met' : 'NOT met'}`);
  if (!ok) process.exitCode = 1;
  return { sessions: N, bytes: Object.fromEntries(results.map((r) => [r.name, r.bytes])), ok };
}

if (process.env.WALK_ALLOCATION_CHILD) child().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
else runMain(module, main);
