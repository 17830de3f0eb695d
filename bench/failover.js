// Bench: failovers of the shared store during a burst of logins. For each fault (Sentinel
// `SENTINEL FAILOVER`, Sentinel `kill -9` of the master, Cluster `kill -9` of the gateway's
// master), a fresh real Sentinel set-up or 6-node Cluster, the real server process, BENCH_LOGINS
// logins through the form (GET /, POST /accept) BENCH_CONCURRENCY at a time, the fault after a
// quarter of them. Prints errors, sessions lost and the recovery time. Run with `node bench/failover.js`.
const { machine, runMain } = require('./lib/common');
const { registerTs } = require('./lib/ts-require');

registerTs();
const { FAULTS, runFailover } = require('../test/helpers/failover-burst.ts');

const LOGINS = Number(process.env.BENCH_LOGINS ?? 400);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

async function main() {
  console.log(`# failovers during a burst of logins — ${machine()}`);
  console.log(`${LOGINS} logins through the form, ${CONCURRENCY} at a time, the fault after ${LOGINS / 4}; test set-ups: Sentinel down-after 1 s, Cluster node timeout 1 s.`);
  console.log('recovery = from the fault to the end of the last login that failed or took over 1 s.');
  const results = [];
  for (const fault of FAULTS) {
    const r = await runFailover(fault, { count: LOGINS, concurrency: CONCURRENCY, faultAfter: LOGINS / 4 });
    results.push(r);
    console.log(
      `  ${fault.padEnd(18)} acknowledged ${String(r.acknowledged).padStart(4)}/${r.logins}  5xx ${r.serverErrors}  other errors ${r.otherErrors}` +
        `  sessions lost ${r.lost}  recovery ${(r.recoveryMs / 1000).toFixed(1)} s  slowest login ${(r.slowestMs / 1000).toFixed(1)} s`,
    );
  }
  return { logins: LOGINS, concurrency: CONCURRENCY, results: results.map(({ serverLog: _log, ...r }) => r) };
}

module.exports = { main };
runMain(module, main);
