// Bench child: the real Threshold server (dist/main.js serve()) on loopback, driven over IPC:
// grant sessions in-process, report memory, run its periodic jobs, stop. Forked by the benchmarks, never run by hand.
const { requireDist } = require('./common');
const { addOtherGateways, jobDuring, jobNames, staffPage } = require('./server-jobs');

const { serve } = requireDist('main');
const { configSchema } = requireDist('config/schema');
const { createLogger } = requireDist('logger');

/** A distinct IPv4 address (and a locally administered MAC) for client number i. */
function clientFor(i) {
  const n = i + 1;
  const ip = `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;
  const mac = `02:00:00:${((n >> 16) & 255).toString(16).padStart(2, '0')}:${((n >> 8) & 255).toString(16).padStart(2, '0')}:${(n & 255).toString(16).padStart(2, '0')}`;
  return { ip, mac };
}

async function grantMany(running, { from = 0, count, concurrency = 1, clients }) {
  const list = clients ?? Array.from({ length: count }, (_, k) => clientFor(from + k));
  let next = 0;
  let refused = 0;
  const started = process.hrtime.bigint();
  async function worker() {
    while (next < list.length) {
      const client = list[next++];
      const result = await running.deps.sessions.grant(client);
      if (!result.ok) refused++;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, list.length) }, worker));
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { granted: list.length - refused, refused, ms, live: running.deps.sessions.live.size };
}

function memory() {
  // Two full collections so what is left is what the server holds, not garbage.
  if (globalThis.gc) {
    globalThis.gc();
    globalThis.gc();
  }
  const m = process.memoryUsage();
  // maxRSS (KiB): the high-water mark since the process started, GC or not.
  return { peakRss: process.resourceUsage().maxRSS * 1024, rss: m.rss, heapUsed: m.heapUsed, heapTotal: m.heapTotal, external: m.external, arrayBuffers: m.arrayBuffers };
}

/**
 * Times POST /accept inside the server, from the request parsed to the response handed to the
 * socket, so the grant bench can tell server time from time spent queueing in the load generator;
 * and, from the client's send stamp (X-Bench-Sent, the same monotonic clock), how long the
 * request waited before the loop read it (`backlog`): a grant that never yields spends its wait
 * for the loop there, before the server's own clock starts.
 */
function timeAccepts(servers, store) {
  const times = [];
  const phases = process.env.BENCH_GRANT_PHASES ? tracePhases(store) : undefined;
  for (const server of servers) {
    server.prependListener('request', (req, res) => {
      if (req.method !== 'POST' || req.url !== '/accept') return;
      const started = process.hrtime.bigint();
      const sent = req.headers['x-bench-sent'];
      const backlog = sent ? Number(started - BigInt(sent)) / 1e6 : 0;
      const ctx = phases?.enter(started);
      res.once('finish', () => {
        const done = process.hrtime.bigint();
        const t = { ms: Number(done - started) / 1e6, backlog };
        // Before the first store call and after the last store reply: synchronous on the loop
        // (nothing else yields on this path), so their wall time is this request's own CPU.
        if (ctx?.firstCall) Object.assign(t, { before: Number(ctx.firstCall - started) / 1e6, after: Number(done - ctx.lastReply) / 1e6, storeCalls: ctx.calls });
        times.push(t);
      });
    });
  }
  return () => times.splice(0);
}

/**
 * BENCH_GRANT_PHASES=1: each POST /accept's store calls, found through an AsyncLocalStorage
 * (which costs every promise a little, so the phases are a run of their own, not the default).
 */
function tracePhases(store) {
  const { AsyncLocalStorage } = require('node:async_hooks');
  const als = new AsyncLocalStorage();
  let proto = Object.getPrototypeOf(store);
  const names = new Set();
  while (proto && proto !== Object.prototype) {
    for (const name of Object.getOwnPropertyNames(proto)) if (name !== 'constructor' && typeof store[name] === 'function') names.add(name);
    proto = Object.getPrototypeOf(proto);
  }
  for (const name of names) {
    const original = store[name];
    store[name] = function traced(...args) {
      const ctx = als.getStore();
      if (!ctx) return original.apply(this, args);
      ctx.calls++;
      ctx.firstCall ??= process.hrtime.bigint();
      const result = original.apply(this, args);
      if (!result || typeof result.then !== 'function') {
        ctx.lastReply = process.hrtime.bigint();
        return result;
      }
      return result.then((v) => {
        ctx.lastReply = process.hrtime.bigint();
        return v;
      });
    };
  }
  return {
    enter(started) {
      const ctx = { started, calls: 0, firstCall: undefined, lastReply: undefined };
      als.enterWith(ctx);
      return ctx;
    },
  };
}

/** A clock at `at` (epoch ms) that runs on at the real pace; `to(t)` moves it forward to `t`. */
function movableClock(at) {
  let offset = at - Date.now();
  return {
    now: () => Date.now() + offset,
    to(t) {
      offset = Math.max(offset, t - Date.now());
      return Date.now() + offset;
    },
  };
}

/** The event loop's delay (a 1 ms timer's lateness) and utilisation between two calls. */
function loopMonitor() {
  const { monitorEventLoopDelay, performance } = require('node:perf_hooks');
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  let elu = performance.eventLoopUtilization();
  return () => {
    const out = { delayP50: delay.percentile(50) / 1e6, delayP99: delay.percentile(99) / 1e6, delayMax: delay.max / 1e6, utilisation: performance.eventLoopUtilization(elu).utilization };
    delay.reset();
    elu = performance.eventLoopUtilization();
    return out;
  };
}

async function main() {
  const env = process.env;
  const config = configSchema.parse({
    port: Number(env.BENCH_PORT),
    host: '127.0.0.1',
    staffPort: Number(env.BENCH_STAFF_PORT),
    staffHost: '127.0.0.1',
    dataDir: env.BENCH_DATA_DIR,
    timezone: 'UTC',
    logLevel: env.BENCH_LOG_LEVEL ?? 'info',
    ...(env.BENCH_REDIS_URL ? { redisUrl: env.BENCH_REDIS_URL } : {}),
  });
  // BENCH_NO_SCHEDULE: the periodic jobs are not scheduled; the bench runs each one itself, so
  // each window measures one job alone (main.ts calls scheduleJobs through the module object).
  if (env.BENCH_NO_SCHEDULE) requireDist('jobs/periodic-jobs').scheduleJobs = () => () => {};
  // BENCH_CLOCK_AT (epoch ms): the gateway's clock starts there and runs at the real pace; the
  // 'clock-to' command moves it (forward only), e.g. just past midnight UTC (BENCH_DAY_TURN).
  const clock = env.BENCH_CLOCK_AT ? movableClock(Number(env.BENCH_CLOCK_AT)) : undefined;
  // Logs go to this process's stdout, which the bench points at a file: the real cost, kept.
  const running = await serve(config, createLogger(config.logLevel), clock ? { clock } : {});
  const takeAcceptTimes = timeAccepts(running.servers, running.deps.store);
  const takeLoop = loopMonitor();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await running.stop();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  process.on('message', async (msg) => {
    try {
      let result;
      if (msg.cmd === 'grant') result = await grantMany(running, msg);
      else if (msg.cmd === 'memory') result = memory();
      else if (msg.cmd === 'memory-now') result = { rss: process.memoryUsage().rss, heapTotal: process.memoryUsage().heapTotal };
      else if (msg.cmd === 'job-during') result = await jobDuring(running, msg);
      else if (msg.cmd === 'job-names') result = jobNames(running);
      else if (msg.cmd === 'other-gateways') result = await addOtherGateways(running, msg);
      else if (msg.cmd === 'staff-page') result = await staffPage(running, msg);
      else if (msg.cmd === 'accept-times') result = takeAcceptTimes();
      else if (msg.cmd === 'loop') result = takeLoop();
      else if (msg.cmd === 'cpu') result = process.cpuUsage();
      else if (msg.cmd === 'clock-to') result = clock ? clock.to(msg.at) : undefined;
      else if (msg.cmd === 'heap-snapshot') result = require('node:v8').writeHeapSnapshot(msg.file);
      else throw new Error(`unknown command ${msg.cmd}`);
      process.send({ id: msg.id, result });
    } catch (err) {
      process.send({ id: msg.id, error: String(err && err.stack ? err.stack : err) });
    }
  });
  process.send({ ready: true, port: config.port, store: running.deps.store.kind });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
