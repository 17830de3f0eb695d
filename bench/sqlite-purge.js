// Bench: a day of 100,000 usage rows (and, with SESSIONS=1, sessions) in a SQLite store, then purgeDay (WHAT=purge) or the sweep two days on (WHAT=sweep): the longest loop hold, wall and CPU (bench/lib/slice-monitor.js). After a build: `N=100000 SESSIONS=1 node bench/sqlite-purge.js [repo root]` (another root compares a build of main).
const path = require('node:path'); const fs = require('node:fs'); const crypto = require('node:crypto');
const { performance } = require('node:perf_hooks');
const { setTimeout } = require('node:timers');
const root = path.resolve(process.argv[2] ?? path.join(__dirname, '..'));
const { SqliteStore } = require(path.join(root, 'dist/store/sqlite/sqlite-store'));
const { watchSlices } = require(path.join(root, 'bench/lib/slice-monitor'));
const { ManualClock } = require(path.join(root, 'dist/domain/clock'));
(async () => {
  const dir = fs.mkdtempSync(path.join(require('node:os').tmpdir(), 'threshold-purge-'));
  const clock = new ManualClock(Date.UTC(2026, 11, 1, 23, 0));
  const store = new SqliteStore({ file: path.join(dir, 't.db'), clock });
  await store.init();
  const N = Number(process.env.N ?? 100000);
  const now = clock.now();
  for (let i = 0; i < N; i++) {
    const p = crypto.randomBytes(32).toString('base64url');
    await store.addUsage('2026-12-01', p, 600, Date.UTC(2026, 11, 3));
    if (process.env.SESSIONS) await store.putSession({ id: crypto.randomBytes(16).toString('base64url'), code: String(i).padStart(6, '0'), gatewayId: 'gw', zoneId: 'wifi', day: '2026-12-01', pseudonym: p, sealedAddress: `v1.${crypto.randomBytes(40).toString('base64url')}`, startedAt: now, endsAt: now + 600000, lastActivityAt: now, via: 'click-through' });
  }
  await store.checkpoint();
  const what = process.env.WHAT ?? 'purge';
  clock.set(what === 'purge' ? Date.UTC(2026, 11, 2, 1, 0) : Date.UTC(2026, 11, 3, 0, 1));
  const w = watchSlices();
  await new Promise((r) => setTimeout(r, 5));
  const t = performance.now();
  if (what === 'purge') await store.purgeDay('2026-12-01', 'gw'); else await store.sweep(clock.now());
  const took = performance.now() - t;
  await new Promise((r) => setTimeout(r, 5));
  const s = w.stop();
  console.log(`${what} of ${N} usage rows${process.env.SESSIONS ? ' and sessions' : ''}: ${took.toFixed(0)} ms, loop held ≤ ${s.sliceWallMs.toFixed(1)} ms wall, ${s.sliceCpuMs.toFixed(1)} ms CPU (${s.sliceCpuNoGcMs.toFixed(1)} outside GC; GC pause ≤ ${s.gcMaxMs.toFixed(1)} ${s.gcMaxKind}; worst stretch ${s.worstCpuMs.toFixed(1)} CPU)`);
  await store.close();
  fs.rmSync(dir, { recursive: true });
})();
