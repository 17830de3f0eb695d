// Bench 1: /generate_204 for a client with a live session on the real Threshold server, against
// a bare http.createServer answering 204, same load generator (autocannon), same run.
// Target: Threshold ≥ 0.5 × bare. Run alone with `node bench/probe-throughput.js` (after a build).
const http = require('node:http');
const autocannon = require('autocannon');
const { machine, runMain } = require('./lib/common');
const { startBare, startThreshold } = require('./lib/servers');

const CONNECTIONS = 32;
const WARMUP_S = 1;
const DURATION_S = 4;
const ROUNDS = 5;
const TARGET_RATIO = 0.5;

/** One GET from 127.0.0.1 (the address autocannon's connections come from). */
function probeOnce(port) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/generate_204', localAddress: '127.0.0.1', agent: false }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
      })
      .on('error', reject);
  });
}

/** Loads a server for `duration` s: req/s, latency, and the server's CPU µs per request. */
async function load(server, duration) {
  const before = await server.call({ cmd: 'cpu' });
  const r = await autocannon({ url: `http://127.0.0.1:${server.port}/generate_204`, connections: CONNECTIONS, pipelining: 1, duration });
  const after = await server.call({ cmd: 'cpu' });
  const bad = r.errors + r.timeouts + r.non2xx;
  if (bad > 0) throw new Error(`port ${server.port}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx answers`);
  const cpuUs = after.user + after.system - before.user - before.system;
  return { rps: r.requests.average, total: r.requests.total, p50: r.latency.p50, p99: r.latency.p99, cpuPerRequestUs: cpuUs / r.requests.total };
}

async function main() {
  console.log(`# probe throughput — ${machine()}`);
  console.log(`autocannon: ${CONNECTIONS} connections, no pipelining, ${WARMUP_S} s warm-up + ${DURATION_S} s measured, ${ROUNDS} rounds, each bare then Threshold; the median round's ratio`);
  const bare = await startBare();
  const threshold = await startThreshold();
  try {
    // A live session for 127.0.0.1, granted in the server process, then checked over the wire.
    const granted = await threshold.call({ cmd: 'grant', clients: [{ ip: '127.0.0.1' }] });
    if (granted.granted !== 1) throw new Error('could not grant a session to 127.0.0.1');
    const status = await probeOnce(threshold.port);
    if (status !== 204) throw new Error(`expected 204 for a client with a live session, got ${status}`);

    const runs = { bare: [], threshold: [] };
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, server] of [['bare', bare], ['threshold', threshold]]) {
        await load(server, WARMUP_S);
        const r = await load(server, DURATION_S);
        runs[name].push(r);
        console.log(
          `  round ${round} ${name.padEnd(9)} ${Math.round(r.rps).toString().padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms` +
            `  server CPU ${r.cpuPerRequestUs.toFixed(1)} µs/request  (${r.total} requests)`,
        );
      }
    }
    // Each round measures both back to back, so its ratio compares like with like even when other
    // work on a shared machine comes and goes; the median round is reported.
    const ratios = runs.bare.map((b, i) => runs.threshold[i].rps / b.rps);
    const mid = [...ratios.keys()].sort((a, b) => ratios[a] - ratios[b])[Math.floor(ROUNDS / 2)];
    const bareRps = runs.bare[mid].rps;
    const thresholdRps = runs.threshold[mid].rps;
    const ratio = ratios[mid];
    console.log(`per-round ratios: ${ratios.map((r) => r.toFixed(2)).join(', ')}; median round ${mid + 1}:`);
    console.log(`bare http.createServer 204:        ${Math.round(bareRps)} req/s`);
    console.log(`Threshold /generate_204 (online):  ${Math.round(thresholdRps)} req/s`);
    console.log(`ratio ${ratio.toFixed(2)} × bare — target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'}`);
    // CPU per request hardly moves with other load, so it shows the capacity ratio on a busy box too.
    const medianCpu = (xs) => xs.map((r) => r.cpuPerRequestUs).sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const cpu = { bare: medianCpu(runs.bare), threshold: medianCpu(runs.threshold) };
    console.log(`server CPU per request (median): bare ${cpu.bare.toFixed(1)} µs, Threshold ${cpu.threshold.toFixed(1)} µs — capacity ratio ${(cpu.bare / cpu.threshold).toFixed(2)}`);
    return { bareRps, thresholdRps, ratio, ratios, cpu, met: ratio >= TARGET_RATIO, runs };
  } finally {
    await Promise.all([bare.stop(), threshold.stop()]);
  }
}

module.exports = { main };
runMain(module, main);
