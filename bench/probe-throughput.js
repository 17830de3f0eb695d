// Bench 1: /generate_204 for a client with a live session on the real Threshold server, against
// a bare http.createServer answering 204, same load generator (autocannon), same run.
// Target: Threshold ≥ 0.5 × bare. Run alone with `node bench/probe-throughput.js` (after a build).
const http = require('node:http');
const autocannon = require('autocannon');
const { machine, runMain } = require('./lib/common');
const { startBare, startThreshold } = require('./lib/servers');

const CONNECTIONS = 32;
const WARMUP_S = 2;
const DURATION_S = 6;
const ROUNDS = 3;
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

async function load(port, duration) {
  const r = await autocannon({ url: `http://127.0.0.1:${port}/generate_204`, connections: CONNECTIONS, pipelining: 1, duration });
  const bad = r.errors + r.timeouts + r.non2xx;
  if (bad > 0) throw new Error(`port ${port}: ${r.errors} errors, ${r.timeouts} timeouts, ${r.non2xx} non-2xx answers`);
  return { rps: r.requests.average, total: r.requests.total, p50: r.latency.p50, p99: r.latency.p99 };
}

async function main() {
  console.log(`# probe throughput — ${machine()}`);
  console.log(`autocannon: ${CONNECTIONS} connections, no pipelining, ${WARMUP_S} s warm-up + ${DURATION_S} s measured, ${ROUNDS} rounds alternating, best round of each`);
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
        await load(server.port, WARMUP_S);
        const r = await load(server.port, DURATION_S);
        runs[name].push(r);
        console.log(`  round ${round} ${name.padEnd(9)} ${Math.round(r.rps).toString().padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  (${r.total} requests)`);
      }
    }
    // The best round of each: other work on a shared machine only ever slows a round down.
    const best = (xs) => Math.max(...xs.map((r) => r.rps));
    const bareRps = best(runs.bare);
    const thresholdRps = best(runs.threshold);
    const ratio = thresholdRps / bareRps;
    console.log(`bare http.createServer 204:        ${Math.round(bareRps)} req/s (best of ${ROUNDS})`);
    console.log(`Threshold /generate_204 (online):  ${Math.round(thresholdRps)} req/s (best of ${ROUNDS})`);
    console.log(`ratio ${ratio.toFixed(2)} × bare — target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'MET' : 'NOT MET'}`);
    return { bareRps, thresholdRps, ratio, met: ratio >= TARGET_RATIO, runs };
  } finally {
    await Promise.all([bare.stop(), threshold.stop()]);
  }
}

module.exports = { main };
runMain(module, main);
