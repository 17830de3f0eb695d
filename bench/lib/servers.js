// Starts the servers under test, each in its own child process so the load generator never
// shares their event loop: the real Threshold server (SQLite or Redis) and the bare baseline.
const path = require('node:path');
const { forkChild, freePort, tempDir, UNIT_ENV, UNIT_FLAGS } = require('./common');

/**
 * The Threshold server with its own DATA_DIR (and Redis when `redisUrl` is given); its logs go
 * to a file in that dir. `exposeGc` lets the memory bench collect before it measures;
 * `schedule: false` leaves the periodic jobs unscheduled (the bench runs them one at a time);
 * `unitFlags` starts it with the Node flags and malloc settings of deploy/threshold.service, as production runs it;
 * `clockAt` (epoch ms) starts the gateway's clock there (it runs on at the real pace).
 */
async function startThreshold({ redisUrl, exposeGc = false, schedule = true, unitFlags = false, clockAt, label = redisUrl ? 'redis' : 'sqlite' } = {}) {
  const dataDir = tempDir(label);
  const port = await freePort();
  // The staff console listens too (loopback): on a free port of its own, never the default 8081.
  const staffPort = await freePort();
  const server = await forkChild(path.join(__dirname, 'threshold-server.js'), {
    env: { BENCH_PORT: String(port), BENCH_STAFF_PORT: String(staffPort), BENCH_DATA_DIR: dataDir, ...(redisUrl ? { BENCH_REDIS_URL: redisUrl } : {}), ...(schedule ? {} : { BENCH_NO_SCHEDULE: '1' }), ...(clockAt === undefined ? {} : { BENCH_CLOCK_AT: String(clockAt) }), ...(unitFlags ? UNIT_ENV : {}) },
    // BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server.
    execArgv: [...(exposeGc ? ['--expose-gc'] : []), ...(unitFlags ? UNIT_FLAGS : []), ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)],
    logFile: path.join(dataDir, 'server.log'),
  });
  return { ...server, port, dataDir, store: server.ready.store };
}

async function startBare() {
  const port = await freePort();
  const server = await forkChild(path.join(__dirname, 'bare-server.js'), { env: { BENCH_PORT: String(port) } });
  return { ...server, port };
}

module.exports = { startThreshold, startBare };
