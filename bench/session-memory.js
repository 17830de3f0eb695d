// Bench 3: the server at 10k, 50k and 100k live sessions, with SQLite and with Redis: its memory
// (RSS and heap after GC, peak RSS), and each periodic job (the list main.ts schedules; the
// server's own schedule is off, so each window holds one job alone) run back to back while the
// event loop is watched (the longest stretch it was held, in wall time and in the main thread's
// CPU time, each also without the GC pauses inside it: bench/lib/slice-monitor.js) and a
// logged-in client probes /generate_204 at a steady rate on loopback (bench/lib/steady-probe.js),
// beside the same probe with no job running, in the same run (the ratio says what the job adds,
// whatever the machine's load), and a bare Node server probed alike in the same window (what the
// machine itself gives then); with Redis, a PING from another client meanwhile. And the staff Sessions page's store work, across
// gateways. The server runs with the Node flags and malloc settings of deploy/threshold.service. Sessions are granted inside the server process (deps.sessions.grant), each with its
// own IPv4 address and MAC. Run alone with `node bench/session-memory.js` (after a build).
// Targets: no job holds the loop > 20 ms; probe p99 < 10 ms while a job runs; RSS at
// 100k ≤ 200 MiB (an aim); the staff page < 100 ms.
const { execFileSync } = require('node:child_process');
const { setTimeout } = require('node:timers');
const { Redis } = require('ioredis');
const { cpuTimes, machine, mib, percentile, runMain, stealPercent, UNIT_ENV, UNIT_FLAGS } = require('./lib/common');
const { startRedis } = require('./lib/redis-server');
const { startBare, startThreshold } = require('./lib/servers');
const { steadyProbe } = require('./lib/steady-probe');

const LEVELS = (process.env.BENCH_LEVELS ?? '10000,50000,100000').split(',').map(Number);
const STORES = (process.env.BENCH_STORES ?? 'sqlite,redis').split(',');
const WINDOW_MS = Number(process.env.BENCH_WINDOW_MS ?? 4000);
const CONCURRENCY = 32;
/** Other gateways sharing the store, for the staff page (their sessions put in the store directly). */
const OTHER_GATEWAYS = 3;
const PER_OTHER_GATEWAY = 2000;
const PROBE_RATE = 2000;
const PROBE_WARMUP_MS = 2000;
const SETTLE_STEP_S = 5;
/** BENCH_SETTLE_S: a shorter wait where memory is not the question (the day turn's holds). */
const SETTLE_MAX_S = Number(process.env.BENCH_SETTLE_S ?? 40);
/** BENCH_JOBS: only the job windows named (comma-separated, in the schedule's order), after the baseline. */
const ONLY_JOBS = process.env.BENCH_JOBS?.split(',');
/**
 * BENCH_DAY_TURN=1: the day's turn at any hour. The gateway's clock (not the machine's) stands at
 * DAY_TURN_GRANT_AT before midnight UTC while the sessions are granted (each one's day, pseudonym
 * and usage are of the day before), then is moved to DAY_TURN_AFTER_MS past midnight before the
 * job windows: the first sweep and key rotation after the turn destroy that day's key and meet
 * its sessions and usage. One level only (the clock cannot go back for the next one).
 */
const DAY_TURN = process.env.BENCH_DAY_TURN === '1';
/**
 * BENCH_PIN=1 (Linux, taskset): the server alone on core 0 with all its threads, and the bench
 * with its probe, its PING client and redis-server on core 1. Without it the three share both
 * cores, and the server's longest stretches are mostly spent waiting for one (the job line says
 * how long): that measures this machine's crowding as much as the gateway.
 */
const PIN = process.env.BENCH_PIN === '1';
function pin(pid, core) {
  execFileSync('taskset', ['-a', '-p', '-c', String(core), String(pid)], { stdio: 'ignore' });
}
/** The midnight (UTC) the day-turn bench crosses: a fixed date, so runs compare. */
const DAY_TURN_MIDNIGHT = Date.UTC(2026, 11, 2);
const DAY_TURN_GRANT_AT = DAY_TURN_MIDNIGHT - 15 * 60_000;
const DAY_TURN_AFTER_MS = 30_000;

/** The logged-in probe at a steady rate for `ms` (bench/lib/steady-probe.js): its latency percentiles (ms). */
function probe(port, ms) {
  return steadyProbe({ port, rate: PROBE_RATE, ms });
}

/** PING from a client of its own every 10 ms for `ms` (what another gateway would see): p99 and max. */
async function pingDuring(url, ms) {
  const client = new Redis(url, { maxRetriesPerRequest: 1 });
  const times = [];
  const until = Date.now() + ms;
  try {
    while (Date.now() < until) {
      const t = process.hrtime.bigint();
      await client.ping();
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      await new Promise((r) => setTimeout(r, 10));
    }
  } finally {
    client.disconnect();
  }
  times.sort((a, b) => a - b);
  return { p99: percentile(times, 99), max: times[times.length - 1] };
}

/**
 * Waits with no work for SETTLE_MAX_S (V8's memory reducer returns the heap pages a burst of
 * garbage grew it to some time after the burst: 10-15 s on Redis, 30 s or more on SQLite, and
 * RSS can stand still for 10 s before it falls, so no "stopped falling" rule is safe), noting RSS
 * every SETTLE_STEP_S. Then RSS after two full GCs. Resolves the trail too (MiB per step).
 */
async function settle(server) {
  const trail = [];
  let seconds = 0;
  while (seconds < SETTLE_MAX_S) {
    await new Promise((r) => setTimeout(r, SETTLE_STEP_S * 1000));
    seconds += SETTLE_STEP_S;
    trail.push((await server.call({ cmd: 'memory-now' })).rss);
  }
  return { seconds, trail, memory: await server.call({ cmd: 'memory' }) };
}

/** One job's report line: its runs, the longest stretch it held the loop, the probe against the baseline. */
function jobLine(job, probed, baseline) {
  const what = job.name === 'none' ? 'no job (baseline)' : `${job.name} ×${job.runs} (first ${Math.round(job.firstMs)} ms, longest ${Math.round(job.maxRunMs)} ms)`;
  const held = `loop held ≤ ${job.sliceWallMs.toFixed(1)} ms wall (${job.worstRunDelayMs.toFixed(1)} waiting for a core), ${job.sliceCpuMs.toFixed(1)} ms CPU (${job.sliceCpuNoGcMs.toFixed(1)} outside GC, GC pause ≤ ${job.gcMaxMs.toFixed(1)} ${job.gcMaxKind}; ${job.collections.minor} minor, ${job.collections.major} major, ${job.collections.other} other, ${job.collections.pauseMs.toFixed(0)} ms in all)`;
  const ratio = job.name === 'none' ? '' : ` = ${(probed.p99 / baseline.p99).toFixed(2)}× baseline`;
  return `${what.padEnd(50)} ${held}; probe p50 ${probed.p50.toFixed(1)} ms, p99 ${probed.p99.toFixed(1)} ms${ratio}`;
}

async function benchStore(label, redis) {
  const server = await startThreshold({ redisUrl: redis?.url, exposeGc: true, schedule: false, unitFlags: true, ...(DAY_TURN ? { clockAt: DAY_TURN_GRANT_AT } : {}) });
  if (PIN) pin(server.child.pid, 0);
  // The machine's own floor: a bare Node server probed alike in every window, beside Threshold.
  const bare = await startBare();
  const out = { store: label, levels: [] };
  try {
    const jobs = ['none', ...(await server.call({ cmd: 'job-names' })).filter((j) => !ONLY_JOBS || ONLY_JOBS.includes(j))];
    const one = await server.call({ cmd: 'grant', clients: [{ ip: '127.0.0.1' }] });
    if (one.granted !== 1) throw new Error(`${label}: could not grant a session to 127.0.0.1`);
    out.idle = await server.call({ cmd: 'memory' });
    console.log(`  ${label}: idle RSS ${mib(out.idle.rss)}, heap ${mib(out.idle.heapUsed)}`);
    let held = 0;
    for (const level of LEVELS) {
      const started = Date.now();
      const r = await server.call({ cmd: 'grant', from: held, count: level - held, concurrency: CONCURRENCY });
      if (r.refused) throw new Error(`${label}: ${r.refused} of ${level - held} grants refused`);
      const grantRate = (level - held) / ((Date.now() - started) / 1000);
      held = level;
      const row = { sessions: level, grantRate, memory: await server.call({ cmd: 'memory' }), jobs: [] };
      console.log(`  ${label} ${level}: RSS ${mib(row.memory.rss)} (peak so far ${mib(row.memory.peakRss)}), heap used ${mib(row.memory.heapUsed)} of ${mib(row.memory.heapTotal)}, external ${mib(row.memory.external)}; ${Math.round(grantRate)} grants/s to get here`);
      row.settled = await settle(server);
      console.log(`  ${label} ${level}, settled (${row.settled.seconds} s with no work; V8 gives back what the grants' garbage grew the heap to): RSS ${mib(row.settled.memory.rss)}, heap used ${mib(row.settled.memory.heapUsed)} of ${mib(row.settled.memory.heapTotal)}; RSS every ${SETTLE_STEP_S} s: ${row.settled.trail.map((b) => (b / 2 ** 20).toFixed(0)).join(', ')} MiB`);
      if (DAY_TURN) {
        const at = await server.call({ cmd: 'clock-to', at: DAY_TURN_MIDNIGHT + DAY_TURN_AFTER_MS });
        console.log(`  ${label} ${level}: gateway clock moved past midnight UTC to ${new Date(at).toISOString()} (sessions and usage of the day before)`);
      }
      // One untimed probe of each first: the first probe of a process (its code not yet
      // compiled, its connections new) gave a p99 up to 20 ms in a window where the server's loop
      // was held at most 11 ms, and that run was the baseline every job was compared with.
      await Promise.all([probe(server.port, PROBE_WARMUP_MS), probe(bare.port, PROBE_WARMUP_MS)]);
      let baseline;
      for (const name of jobs) {
        const cpu = cpuTimes();
        const [job, probed, floor, ping] = await Promise.all([
          server.call({ cmd: 'job-during', name, ms: WINDOW_MS }),
          probe(server.port, WINDOW_MS),
          probe(bare.port, WINDOW_MS),
          redis ? pingDuring(redis.url, WINDOW_MS) : undefined,
        ]);
        const steal = stealPercent(cpu, cpuTimes());
        baseline ??= probed;
        row.jobs.push({ ...job, probe: probed, bareProbe: floor, p99Ratio: probed.p99 / baseline.p99, ...(ping ? { ping } : {}), ...(steal === undefined ? {} : { stealPercent: steal }) });
        console.log(`    ${jobLine(job, probed, baseline)}; a bare server beside it p99 ${floor.p99.toFixed(1)} ms${ping ? `; Redis PING p99 ${ping.p99.toFixed(1)} ms, max ${ping.max.toFixed(1)} ms` : ''}${steal === undefined ? '' : `; the hypervisor took ${steal.toFixed(0)} % of the CPU`}`);
      }
      row.memoryAfterJobs = await server.call({ cmd: 'memory' });
      out.levels.push(row);
    }
    await server.call({ cmd: 'other-gateways', gateways: OTHER_GATEWAYS, perGateway: PER_OTHER_GATEWAY });
    out.staff = await server.call({ cmd: 'staff-page' });
    const s = out.staff;
    const total = Object.values(s.counts).reduce((a, c) => a + c.count, 0);
    console.log(`  ${label}: staff Sessions page at ${total} sessions on ${OTHER_GATEWAYS + 1} gateways: counts + first page median ${s.first.median.toFixed(1)} ms (max ${s.first.max.toFixed(1)}), counts + a page 10 pages in ${s.deep.median.toFixed(1)} ms (max ${s.deep.max.toFixed(1)}), find by code ${s.find.median.toFixed(2)} ms (max ${s.find.max.toFixed(2)})`);
    if (redis) {
      out.redisUsedMemory = await redis.usedMemory();
      out.redisKeys = await redis.dbsize();
      console.log(`  ${label}: Redis used_memory ${mib(out.redisUsedMemory)} (${out.redisKeys} keys)`);
    }
    return out;
  } finally {
    await server.stop();
    await bare.stop();
  }
}

async function main() {
  if (DAY_TURN && LEVELS.length !== 1) throw new Error('BENCH_DAY_TURN=1 runs one level: set BENCH_LEVELS to one number');
  console.log(`# live sessions at ${LEVELS.join(', ')}: memory, periodic jobs, the staff page — ${machine()}`);
  console.log(`server started with the Node flags and malloc settings of deploy/threshold.service (${[...UNIT_FLAGS, ...Object.entries(UNIT_ENV).map(([k, v]) => `${k}=${v}`)].join(' ') || 'none'}); RSS and heap after two full GCs (--expose-gc); each job back to back for ${WINDOW_MS} ms while /generate_204 is probed at ${PROBE_RATE}/s by a logged-in client${PIN ? '; the server alone on core 0, the bench, its probe and Redis on core 1 (BENCH_PIN)' : ''}`);
  if (PIN) pin(process.pid, 1);
  const results = [];
  for (const label of STORES) {
    if (label !== 'redis') {
      results.push(await benchStore(label));
      continue;
    }
    const redis = await startRedis();
    try {
      results.push(await benchStore('redis', redis));
    } finally {
      await redis.stop();
    }
  }
  return { levels: LEVELS, results };
}

module.exports = { main };
runMain(module, main);
