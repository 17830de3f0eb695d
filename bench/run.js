// Runs every benchmark, one after another, each in its own process (`npm run bench` builds first),
// then prints a summary. Exits non-zero if a benchmark fails to run; a missed target is reported.
const { fork } = require('node:child_process');
const path = require('node:path');
const { machine } = require('./lib/common');

const BENCHES = ['probe-throughput.js', 'grant-flow.js', 'session-memory.js', 'heartbeats.js', 'agent-footprint.js', 'failover.js'];

let current;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // The running benchmark stops its own servers and removes its temp dirs on the way out.
    if (current && current.exitCode === null) current.kill(signal);
    process.exit(130);
  });
}

function runOne(file) {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, file), [], { stdio: 'inherit' });
    current = child;
    let result;
    child.on('message', (msg) => (result = msg.result));
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 && result ? resolve(result) : reject(new Error(`${file} failed (${signal ?? code})`))));
  });
}

const mibs = (b) => `${(b / 2 ** 20).toFixed(0)} MiB`;

async function main() {
  const started = Date.now();
  const out = {};
  for (const file of BENCHES) {
    out[file] = await runOne(file);
    console.log('');
  }
  const probe = out['probe-throughput.js'];
  const grants = out['grant-flow.js'];
  const memory = out['session-memory.js'];
  console.log(`# summary — ${machine()}`);
  console.log(`probe: Threshold ${Math.round(probe.thresholdRps)} req/s vs bare ${Math.round(probe.bareRps)} req/s = ${probe.ratio.toFixed(2)} × (target ≥ 0.5: ${probe.met ? 'MET' : 'NOT MET'})`);
  for (const r of grants.results.filter((g) => g.concurrency === grants.targetConcurrency)) {
    const met = r.p99 < 50;
    console.log(`grants (${r.store}, ${r.concurrency} at a time, median of ${r.runs}): ${Math.round(r.grantsPerSecond)}/s, POST /accept p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms (target < 50 ms: ${met ? 'MET' : 'NOT MET'})`);
  }
  for (const r of memory.results) {
    const top = r.levels[r.levels.length - 1];
    const jobs = top.jobs.filter((j) => j.name !== 'none');
    const loop = Math.max(...jobs.map((j) => j.heldCpuMs));
    const p99 = Math.max(...jobs.map((j) => j.probe.p99));
    const page = Math.max(r.staff.first.median, r.staff.deep.median);
    console.log(
      `sessions (${r.store}) at ${top.sessions}: RSS ${mibs(top.memory.rss)} (peak ${mibs(top.memoryAfterJobs.peakRss)}, aim ≤ 200 MiB), ` +
        `jobs hold the loop ≤ ${loop.toFixed(1)} ms of CPU (target ≤ 20: ${loop <= 20 ? 'MET' : 'NOT MET'}), probe p99 during jobs ${p99} ms (target < 10: ${p99 < 10 ? 'MET' : 'NOT MET'}), ` +
        `staff page ${page.toFixed(1)} ms (target < 100: ${page < 100 ? 'MET' : 'NOT MET'})`,
    );
  }
  // Public workstations.
  const hb = out['heartbeats.js'];
  const agent = out['agent-footprint.js'];
  console.log(`heartbeats (Redis): ${Math.round(hb.heartbeatsPerSecond)}/s, server CPU ${hb.cpuPerHeartbeatMs.toFixed(3)} ms each (target ≥ ${hb.target}/s: ${hb.met ? 'MET' : 'NOT MET'})`);
  console.log(`agent: RSS ${agent.rssMiB.toFixed(0)} MiB (peak ${agent.peakRssMiB.toFixed(0)} MiB), CPU ${agent.cpuPerReportMs.toFixed(1)} ms per report`);
  console.log(`all benchmarks took ${Math.round((Date.now() - started) / 1000)} s`);
}

main().catch((err) => {
  console.error(err.message);
  process.exit(1);
});
