// Benchmark: 1,000 grants through the nftables backend, inside a network namespace made for the
// run. Prints grants per second, grant latency (p50, p99) and how many nft processes were
// started per 1,000 grants after start-up (the long-lived channel: goal 0), against a baseline
// of one nft process per grant measured in the same run.
// Needs root and nftables; uses the compiled dist/ (run `npm run build` first).
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');
const os = require('node:os');
const path = require('node:path');
const { setTimeout: sleep } = require('node:timers/promises');
const { performance } = require('node:perf_hooks');

const GRANTS = Number(process.env.GRANTS || 1000);
const BASELINE = Number(process.env.BASELINE_GRANTS || 200);

function load() {
  try {
    return {
      NftablesFirewall: require(path.join(__dirname, '..', 'dist', 'firewall', 'nftables')).NftablesFirewall,
      SpawnNftRunner: require(path.join(__dirname, '..', 'dist', 'firewall', 'nft-runner')).SpawnNftRunner,
    };
  } catch {
    console.error('dist/ is missing: run "npm run build" first.');
    process.exit(1);
  }
}

const silent = { info() {}, warn() {}, error() {}, debug() {}, fatal() {}, trace() {}, child() { return silent; } };
const clock = { now: () => Date.now() };

function clientIp(run, i) {
  return `10.${run}.${i >> 8}.${i & 255}`;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Fires `GRANTS` allow() calls arriving at `rate` per second (Infinity: all at once). */
async function scenario(fw, run, rate) {
  const before = fw.nftProcesses;
  const latencies = [];
  const started = performance.now();
  const calls = [];
  let i = 0;
  while (i < GRANTS) {
    const due = rate === Infinity ? GRANTS : Math.min(GRANTS, Math.floor(((performance.now() - started) * rate) / 1000) + 1);
    for (; i < due; i++) {
      const t0 = performance.now();
      const hex = (n) => n.toString(16).padStart(2, '0');
      const mac = `02:00:00:${hex(run)}:${hex(i >> 8)}:${hex(i & 255)}`;
      calls.push(fw.allow([{ ip: clientIp(run, i), mac, zoneId: 'wifi', timeoutSeconds: 3600 }]).then(() => latencies.push(performance.now() - t0)));
    }
    if (i < GRANTS) await sleep(1);
  }
  await Promise.all(calls);
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { grants: GRANTS, seconds, perSecond: GRANTS / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), processes: fw.nftProcesses - before };
}

/** The naive way: one nft process per grant, one after the other. */
async function baseline(runner) {
  const started = performance.now();
  for (let i = 0; i < BASELINE; i++) {
    await runner.run(['-f', '-'], `add element inet threshold allowed4 { ${clientIp(99, i)} timeout 3600s }\n`);
  }
  const seconds = (performance.now() - started) / 1000;
  return { grants: BASELINE, seconds, perSecond: BASELINE / seconds, p50: (seconds * 1000) / BASELINE, p99: NaN, processes: BASELINE };
}

async function main() {
  if (process.getuid && process.getuid() !== 0) {
    console.error('nft-grants needs root (it makes a network namespace): sudo node bench/nft-grants.js');
    process.exit(1);
  }
  const { NftablesFirewall, SpawnNftRunner } = load();
  const ns = `thr-bench-${crypto.randomBytes(3).toString('hex')}`;
  execFileSync('ip', ['netns', 'add', ns]);
  try {
    const prefix = ['ip', 'netns', 'exec', ns];
    const windowMs = process.env.BATCH_WINDOW_MS ? Number(process.env.BATCH_WINDOW_MS) : undefined;
    const fw = new NftablesFirewall({ logger: silent, clock, portalPort: 8080, lanInterfaces: ['lan0'], prefix, batchWindowMs: windowMs });
    await fw.init();
    const startup = fw.nftProcesses;
    const rows = [
      ['burst: 1,000 at once', await scenario(fw, 1, Infinity)],
      ['steady: 500 a second for 2 s', await scenario(fw, 2, 500)],
      ['steady: 100 a second for 10 s', await scenario(fw, 3, 100)],
      ['baseline: one nft per grant', await baseline(new SpawnNftRunner({ prefix }))],
    ];
    const inKernel = (await fw.list()).length;
    const base = rows[rows.length - 1][1].perSecond;
    const nftVersion = execFileSync('nft', ['--version'], { encoding: 'utf8' }).trim();
    const load = os.loadavg().map((l) => l.toFixed(2)).join(' ');
    console.log(`nft-grants: ${os.cpus().length} CPUs, Linux ${os.release()}, ${nftVersion}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load ${load}`);
    console.log(`${GRANTS} grants per scenario, in namespace ${ns} (each nft runs through "ip netns exec"), timeout updates: ${fw.updateMode}`);
    console.log(`nft processes at start-up: ${startup} (the channel's child)`);
    console.log('| scenario | grants/s | ×baseline | p50 ms | p99 ms | nft processes per 1,000 grants |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const [name, r] of rows) {
      const p99 = Number.isNaN(r.p99) ? '—' : r.p99.toFixed(1);
      console.log(`| ${name} | ${Math.round(r.perSecond)} | ${(r.perSecond / base).toFixed(1)} | ${r.p50.toFixed(1)} | ${p99} | ${((r.processes * 1000) / r.grants).toFixed(1)} |`);
    }
    console.log(`clients in the kernel afterwards: ${inKernel} (expected ${3 * GRANTS + BASELINE})`);
    await fw.close();
  } finally {
    execFileSync('ip', ['netns', 'del', ns]);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
