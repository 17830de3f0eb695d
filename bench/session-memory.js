// Bench 3: the server's memory with 50,000 live sessions, with SQLite and with Redis, against an
// idle server measured in the same run; and Redis bytes per session (INFO used_memory delta).
// Sessions are granted inside the server process (deps.sessions.grant), each with its own IPv4
// address and MAC, in chunks, so the grant rate as the live view grows is reported too.
// Run alone with `node bench/session-memory.js` (after a build).
const { machine, mib, runMain } = require('./lib/common');
const { startRedis } = require('./lib/redis-server');
const { startThreshold } = require('./lib/servers');

const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 50_000);
const CHUNKS = 5;
const CONCURRENCY = 32;

async function benchStore(label, redis) {
  const server = await startThreshold({ redisUrl: redis?.url, exposeGc: true });
  try {
    const idle = await server.call({ cmd: 'memory' });
    const redisBefore = redis ? await redis.usedMemory() : 0;
    const rates = [];
    const per = Math.ceil(SESSIONS / CHUNKS);
    for (let from = 0; from < SESSIONS; from += per) {
      const count = Math.min(per, SESSIONS - from);
      const r = await server.call({ cmd: 'grant', from, count, concurrency: CONCURRENCY });
      if (r.granted !== count) throw new Error(`${label}: ${r.refused} of ${count} grants refused`);
      rates.push(count / (r.ms / 1000));
      if (from + count === SESSIONS && r.live !== SESSIONS) throw new Error(`${label}: ${r.live} live sessions, expected ${SESSIONS}`);
    }
    // The reconcile (every 30 s) and tick (every 5 s) jobs at full size, so what is measured is the
    // steady state of a server holding these sessions, whenever the timers happened to fire.
    const jobs = await server.call({ cmd: 'jobs' });
    const full = await server.call({ cmd: 'memory' });
    const out = {
      store: label,
      idle,
      full,
      rssPerSession: (full.rss - idle.rss) / SESSIONS,
      heapPerSession: (full.heapUsed - idle.heapUsed) / SESSIONS,
      grantRates: rates,
      jobs,
    };
    if (redis) {
      out.redisUsedMemory = await redis.usedMemory();
      out.redisBytesPerSession = (out.redisUsedMemory - redisBefore) / SESSIONS;
      out.redisKeys = await redis.dbsize();
    }
    console.log(`  ${label}: idle RSS ${mib(idle.rss)}, heap ${mib(idle.heapUsed)} → with ${SESSIONS} sessions RSS ${mib(full.rss)}, heap ${mib(full.heapUsed)}`);
    console.log(`  ${label}: +${Math.round(out.rssPerSession)} B RSS and +${Math.round(out.heapPerSession)} B heap per session in the server process`);
    console.log(`  ${label}: in-process grants/s per ${per}-session chunk as the live view grows: ${rates.map((r) => Math.round(r)).join(', ')}`);
    const job = (j) => `${Math.round(j.ms)} ms (event loop held up to ${Math.round(j.maxBlockMs)} ms)`;
    console.log(`  ${label}: with ${SESSIONS} sessions the reconcile job takes ${job(jobs.reconcile)}, the tick job ${job(jobs.tick)}`);
    if (redis) console.log(`  ${label}: Redis used_memory ${mib(redisBefore)} → ${mib(out.redisUsedMemory)}, ${Math.round(out.redisBytesPerSession)} B per session (${out.redisKeys} keys)`);
    return out;
  } finally {
    await server.stop();
  }
}

async function main() {
  console.log(`# memory with ${SESSIONS} live sessions — ${machine()}`);
  console.log(`RSS and heapUsed after two full GCs (--expose-gc); idle = the same server just started, before any grant`);
  const sqlite = await benchStore('sqlite');
  const redis = await startRedis();
  try {
    return { sessions: SESSIONS, results: [sqlite, await benchStore('redis', redis)] };
  } finally {
    await redis.stop();
  }
}

module.exports = { main };
runMain(module, main);
