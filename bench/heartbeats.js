// Bench: how many heartbeats per second one `threshold serve` process ingests with Redis (the
// target is 3,000/s: 180,000 workstations reporting every minute), next to a bare Node HTTP
// server that reads the same body and answers 204, measured in the same run.
// Run: npm run build && node bench/heartbeats.js   (WORKSTATIONS, CONNECTIONS, DURATION to change)
'use strict';
const crypto = require('node:crypto');
const autocannon = require('autocannon');
const { requireBuilt, startProcess, startRedis, startThreshold, processUsage, sampleReport, freePort } = require('./workstation-bench-support');

const WORKSTATIONS = Number(process.env.WORKSTATIONS || 10_000);
const CONNECTIONS = Number(process.env.CONNECTIONS || 64);
const DURATION = Number(process.env.DURATION || 15);
const TARGET = 3000;

const BARE_SERVER = `require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => { res.statusCode = 204; res.end(); }); })
  .listen(Number(process.env.PORT), '127.0.0.1', () => console.log('ready'));`;

/** Heartbeats, each from the next workstation in turn, with the same one-report body. */
function load(url, tokens, duration) {
  let i = 0;
  const body = JSON.stringify({ reports: [sampleReport()] });
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    requests: [
      {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
        setupRequest: (req) => ({ ...req, headers: { ...req.headers, authorization: `Bearer ${tokens[i++ % tokens.length]}` } }),
      },
    ],
  });
}

async function seed(url) {
  const { RedisStore } = require('../dist/store/redis-store');
  const { hashToken } = require('../dist/workstations/secrets');
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

function summary(r) {
  return `${Math.round(r.requests.average).toLocaleString('en')}/s (p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r.non2xx} non-2xx, ${r.errors} errors)`;
}

async function main() {
  requireBuilt();
  const redis = await startRedis();
  const stops = [redis.stop];
  try {
    const { store, tokens } = await seed(redis.url);
    stops.unshift(() => store.close());
    const server = await startThreshold({ REDIS_URL: redis.url });
    stops.unshift(server.stop);
    const barePort = await freePort();
    const bare = await startProcess(process.execPath, ['-e', BARE_SERVER], { env: { PORT: String(barePort) }, readyText: 'ready', what: 'bare server' });
    stops.unshift(bare.stop);
    const heartbeatUrl = `${server.url}/api/agent/v1/heartbeat`;

    console.log(`node ${process.version}, ${require('node:os').cpus().length} CPU(s); ${WORKSTATIONS.toLocaleString('en')} workstations, ${CONNECTIONS} connections, ${DURATION} s per run`);
    await load(heartbeatUrl, tokens, 3); // warm-up (JIT, connections)
    await load(`http://127.0.0.1:${barePort}/`, tokens, 3);

    const bareBefore = processUsage(bare.child.pid);
    const baseline = await load(`http://127.0.0.1:${barePort}/`, tokens, DURATION);
    const bareCpu = (processUsage(bare.child.pid).cpuMs - bareBefore.cpuMs) / baseline.requests.total;
    const before = processUsage(server.child.pid);
    const started = Date.now();
    const result = await load(heartbeatUrl, tokens, DURATION);
    const after = processUsage(server.child.pid);

    const sample = await store.workstations.get('pc-0');
    const history = await store.workstations.history('pc-0');
    const perSecond = result.requests.average;
    console.log(`bare Node HTTP server (204):     ${summary(baseline)}`);
    console.log(`threshold heartbeats (Redis):    ${summary(result)}`);
    console.log(`ratio to the bare server:        ${(perSecond / baseline.requests.average).toFixed(2)}`);
    const cpu = (after.cpuMs - before.cpuMs) / result.requests.total;
    console.log(`CPU per request:                 threshold ${cpu.toFixed(3)} ms (one core: ${Math.round(1000 / cpu).toLocaleString('en')}/s), bare ${bareCpu.toFixed(3)} ms`);
    console.log(`server memory:                   RSS ${after.rssMiB.toFixed(0)} MiB (peak ${after.peakRssMiB.toFixed(0)} MiB)`);
    console.log(`check: pc-0 last seen during the run: ${(sample?.lastSeenAt ?? 0) >= started}, history ${history.length}`);
    console.log(`target ${TARGET.toLocaleString('en')}/s: ${perSecond >= TARGET ? 'met' : 'NOT met'}`);
    if (result.non2xx > 0 || result.errors > 0) process.exitCode = 1;
  } finally {
    for (const stop of stops) await stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
