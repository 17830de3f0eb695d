// Bench: how many heartbeats per second one `threshold serve` process ingests with Redis (the
// target is 3,000/s: 180,000 workstations reporting every minute), next to the bare Node server
// answering 204 (bench/lib/bare-server.js), measured in the same run with the same load generator.
// Run alone: npm run build && node bench/heartbeats.js (BENCH_WORKSTATIONS, BENCH_CONNECTIONS, BENCH_DURATION).
'use strict';
const crypto = require('node:crypto');
const autocannon = require('autocannon');
const { machine, mib, requireDist, runMain } = require('./lib/common');
const { startRedis } = require('./lib/redis-server');
const { startBare } = require('./lib/servers');
const { processUsage, sampleReport, startThreshold } = require('./workstation-bench-support');

const WORKSTATIONS = Number(process.env.BENCH_WORKSTATIONS || 10_000);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 64);
const DURATION_S = Number(process.env.BENCH_DURATION || 15);
const WARMUP_S = 3;
const TARGET = 3000;

/** Heartbeats, each from the next workstation in turn (bearer token), with the same one-report body. */
function load(url, tokens, duration) {
  let i = 0;
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method: 'POST',
        body: JSON.stringify({ reports: [sampleReport()] }),
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${tokens[i++ % tokens.length]}` } }),
      },
    ],
  });
}

/** Workstations as enrolment leaves them (only token hashes stored); returns their tokens. */
async function seed(url) {
  const { RedisStore } = requireDist('store/redis/store');
  const { hashToken } = requireDist('workstations/secrets');
  const store = new RedisStore({ url });
  await store.init();
  const tokens = [];
  for (let start = 0; start < WORKSTATIONS; start += 500) {
    const batch = [];
    for (let j = start; j < Math.min(WORKSTATIONS, start + 500); j++) {
      const token = crypto.randomBytes(32).toString('base64url');
      tokens.push(token);
      batch.push(store.workstations.add({ name: `pc-${j}`, zoneId: 'wifi', tokenHash: hashToken(token), enrolledAt: Date.now(), mode: 'in-service', inUse: false }));
    }
    await Promise.all(batch);
  }
  return { store, tokens };
}

const line = (r) => `${Math.round(r.requests.average).toLocaleString('en')}/s (p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r.non2xx} non-2xx, ${r.errors} errors)`;

async function main() {
  console.log(`# workstation heartbeats — ${machine()}`);
  console.log(`${WORKSTATIONS.toLocaleString('en')} workstations, autocannon ${CONNECTIONS} connections, ${WARMUP_S} s warm-up + ${DURATION_S} s measured`);
  const redis = await startRedis();
  const { store, tokens } = await seed(redis.url);
  const server = await startThreshold({ REDIS_URL: redis.url });
  const bare = await startBare();
  try {
    const heartbeatUrl = `${server.url}/api/agent/v1/heartbeat`;
    const bareUrl = `http://127.0.0.1:${bare.port}/`;
    await load(heartbeatUrl, tokens, WARMUP_S);
    await load(bareUrl, tokens, WARMUP_S);

    const bareBefore = await bare.call({ cmd: 'cpu' });
    const baseline = await load(bareUrl, tokens, DURATION_S);
    const bareAfter = await bare.call({ cmd: 'cpu' });
    const bareCpuMs = (bareAfter.user + bareAfter.system - bareBefore.user - bareBefore.system) / 1000 / baseline.requests.total;

    const before = processUsage(server.child.pid);
    const started = Date.now();
    const result = await load(heartbeatUrl, tokens, DURATION_S);
    const after = processUsage(server.child.pid);
    const cpuMs = (after.cpuMs - before.cpuMs) / result.requests.total;
    const seen = (await store.workstations.get('pc-0'))?.lastSeenAt ?? 0;

    const perSecond = result.requests.average;
    console.log(`bare Node HTTP server (204):  ${line(baseline)}, CPU ${bareCpuMs.toFixed(3)} ms/request`);
    console.log(`threshold heartbeats (Redis): ${line(result)}, CPU ${cpuMs.toFixed(3)} ms/heartbeat (one core: ${Math.round(1000 / cpuMs).toLocaleString('en')}/s)`);
    console.log(`ratio to the bare server: ${(perSecond / baseline.requests.average).toFixed(2)}; server RSS ${mib(after.rssMiB * 2 ** 20)} (peak ${mib(after.peakRssMiB * 2 ** 20)})`);
    if (result.non2xx + result.errors > 0 || seen < started) throw new Error('heartbeats were refused or not stored');
    const met = perSecond >= TARGET;
    console.log(`target ≥ ${TARGET.toLocaleString('en')}/s: ${met ? 'MET' : 'NOT MET'}`);
    return { heartbeatsPerSecond: perSecond, cpuPerHeartbeatMs: cpuMs, bareRps: baseline.requests.average, met, target: TARGET };
  } finally {
    await store.close();
    await bare.stop();
    await server.stop();
    await redis.stop();
  }
}

runMain(module, main);
