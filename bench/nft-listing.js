// Bench: reading the kernel's listing of the client sets (`nft -j list table`, which the session
// tick reads every 5 s for the byte counters and reconcile for what the firewall lost) at 10k,
// 50k and 100k clients: the sliced reader (src/firewall/nft-listing.ts) against one JSON.parse of
// the same text, in the same run, with the longest stretch the event loop was held (wall and
// CPU, bench/lib/slice-monitor.js). No kernel: the listing is built as nft prints it.
// Run alone: npm run build && node bench/nft-listing.js (BENCH_LEVELS, default 10000,50000,100000).
'use strict';
const { performance } = require('node:perf_hooks');
const { setTimeout } = require('node:timers');
const { machine, requireDist, runMain } = require('./lib/common');
const { watchSlices } = require('./lib/slice-monitor');

const LEVELS = (process.env.BENCH_LEVELS ?? '10000,50000,100000').split(',').map(Number);
const TARGET_MS = 20;

// A full collection before each measure, so one reader's garbage is not charged to the next.
require('node:v8').setFlagsFromString('--expose-gc');
const gc = require('node:vm').runInNewContext('gc');

/** What `nft -j list table inet threshold` prints with `n` IPv4 clients, each bound to a MAC. */
function listing(n) {
  const ip = (i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const mac = (i) => `02:00:00:${[(i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
  const ids = Array.from({ length: n }, (_, i) => i);
  const set = (name, type, elem) => ({ set: { family: 'inet', name, table: 'threshold', type, handle: 3, flags: ['timeout'], elem } });
  return JSON.stringify({
    nftables: [
      { metainfo: { version: '1.0.6', release_name: 'Lester Gooch #5', json_schema_version: 1 } },
      { table: { family: 'inet', name: 'threshold', handle: 1 } },
      set('allowed4', 'ipv4_addr', ids.map((i) => ({ elem: { val: ip(i), timeout: 3600, expires: 3000 + (i % 600), counter: { packets: i * 3, bytes: i * 1500 } } }))),
      set('bound4', 'ipv4_addr', ids.map((i) => ({ elem: { val: ip(i), timeout: 3600, expires: 3000 + (i % 600) } }))),
      set('pairs4', ['ipv4_addr', 'ether_addr'], ids.map((i) => ({ elem: { val: { concat: [ip(i), mac(i)] }, timeout: 3600, expires: 3000 + (i % 600) } }))),
      set('allowed6', 'ipv6_addr', []),
      { chain: { family: 'inet', table: 'threshold', name: 'from_lan', handle: 2 } },
    ],
  });
}

/** Runs `work` under the slice watch: its result, wall time and the longest hold. */
async function watched(work) {
  const watch = watchSlices();
  await new Promise((r) => setTimeout(r, 5));
  const started = performance.now();
  const value = await work();
  const ms = performance.now() - started;
  await new Promise((r) => setTimeout(r, 5));
  return { value, ms, ...watch.stop() };
}

async function main() {
  const { parseTableListing } = requireDist('firewall/nft-listing');
  const ipaddr = require('ipaddr.js');
  const normalise = (ip) => ipaddr.parse(ip).toString();
  console.log(`# nft listing read at ${LEVELS.join(', ')} clients — ${machine()}`);
  const rows = [];
  for (const n of LEVELS) {
    const json = listing(n);
    gc();
    const sliced = await watched(() => parseTableListing(json, normalise));
    gc();
    // One JSON.parse of the whole text: the least any unsliced reader must hold the loop.
    const whole = await watched(async () => JSON.parse(json).nftables.length);
    if (sliced.value.clients.length !== n) throw new Error(`read ${sliced.value.clients.length} of ${n} clients`);
    const row = { clients: n, mb: json.length / 1e6, totalMs: sliced.ms, sliceWallMs: sliced.sliceWallMs, sliceCpuMs: sliced.sliceCpuMs, sliceCpuNoGcMs: sliced.sliceCpuNoGcMs, jsonParseMs: whole.ms };
    rows.push(row);
    console.log(
      `  ${n} clients (${row.mb.toFixed(1)} MB): sliced read ${sliced.ms.toFixed(0)} ms in all, loop held ≤ ${sliced.sliceWallMs.toFixed(1)} ms wall, ${sliced.sliceCpuMs.toFixed(1)} ms CPU (${sliced.sliceCpuNoGcMs.toFixed(1)} outside GC, GC pause ≤ ${sliced.gcMaxMs.toFixed(1)})` +
        ` (target ≤ ${TARGET_MS} ms); one JSON.parse of it alone holds the loop ${whole.sliceWallMs.toFixed(1)} ms wall, ${whole.sliceCpuMs.toFixed(1)} ms CPU` +
        ` (${(whole.sliceWallMs / sliced.sliceWallMs).toFixed(1)}× longer)`,
    );
  }
  return { rows };
}

runMain(module, main);
