// Bench child side of bench/session-memory.js: runs the server's own periodic jobs (the list
// main.ts schedules) back to back for a while, measuring the event loop; times the staff
// Sessions page's store work; puts other gateways' sessions in the shared store.
const crypto = require('node:crypto');
const { performance } = require('node:perf_hooks');
const { setImmediate, setTimeout } = require('node:timers');
const { requireDist } = require('./common');
const { watchSlices } = require('./slice-monitor');

const { periodicJobs } = requireDist('jobs/periodic-jobs');
const { ADDRESS_EPOCH_MS } = requireDist('privacy/day-keys');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

/**
 * Moves the keyring one address epoch on, as five minutes would, so that every run of the key
 * rotation job re-seals every live session (the most work it ever does).
 */
function nextEpoch(keys) {
  keys.benchEpochs = (keys.benchEpochs ?? 0) + 1;
  if (keys.benchEpoch) return;
  keys.benchEpoch = true;
  keys.epoch = function epoch() {
    const id = `e${Math.floor(Date.now() / ADDRESS_EPOCH_MS) + this.benchEpochs}`;
    if (!this.epochKeys.has(id)) {
      this.epochKeys.set(id, this.random.bytes(32));
      this.save();
    }
    return id;
  };
}

/**
 * BENCH_SAMPLE_WINDOW=<job name>: V8's sampling heap profiler over that window, written to
 * BENCH_SAMPLE_FILE.heapprofile (open it in Chrome's DevTools). Asked to drop what scavenges
 * collect and keep what full collections do; the profile of a key rotation window summed to
 * what --trace-gc saw promoted, but whether the profiler's own handles keep sampled objects
 * alive through scavenges was not checked: read it as where the window allocates.
 */
async function startSampling() {
  const { Session } = require('node:inspector');
  const session = new Session();
  session.connect();
  const post = (method, params) => new Promise((resolve, reject) => session.post(method, params, (err, r) => (err ? reject(err) : resolve(r))));
  await post('HeapProfiler.enable');
  await post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false });
  return {
    async stop(file) {
      const { profile } = await post('HeapProfiler.stopSampling');
      require('node:fs').writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/**
 * Runs the job named `name` again and again for `ms` (or, for 'none', nothing: the baseline),
 * watching the event loop throughout (bench/lib/slice-monitor.js): the longest stretch it was
 * held (wall and CPU), its delay, and each run's duration.
 */
async function jobDuring(running, { name, ms }) {
  const job = name === 'none' ? undefined : periodicJobs(running.deps).find((j) => j.name === name);
  if (name !== 'none' && !job) throw new Error(`no job named ${name}`);
  const windowFrom = performance.now();
  const sampling = name === process.env.BENCH_SAMPLE_WINDOW ? await startSampling() : undefined;
  const watch = watchSlices();
  // Let the watch tick before the job can hold the loop.
  await sleep(5);
  let runs = 0;
  let firstMs = 0;
  let maxRunMs = 0;
  const until = nowMs() + ms;
  while (nowMs() < until) {
    if (!job) {
      await sleep(20);
      continue;
    }
    if (name === 'key rotation') nextEpoch(running.deps.keys);
    const started = nowMs();
    await job.run();
    const took = nowMs() - started;
    if (runs++ === 0) firstMs = took;
    maxRunMs = Math.max(maxRunMs, took);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await sleep(5);
  if (sampling) await sampling.stop(`${process.env.BENCH_SAMPLE_FILE ?? '/tmp/bench-window'}.heapprofile`);
  // In the server's log, so that --trace-gc lines (ms since the isolate started) can be placed in a window.
  console.log(`bench window "${name}" ${Math.round(windowFrom)}-${Math.round(performance.now())} ms`);
  return { name, runs, firstMs, maxRunMs, ...watch.stop() };
}

/** The names of the periodic jobs, in the order main.ts schedules them. */
function jobNames(running) {
  return periodicJobs(running.deps).map((j) => j.name);
}

/**
 * Puts `perGateway` sessions of each of `gateways` other gateways straight into the shared store
 * (as those gateways would), so the staff page walks and counts across gateways.
 */
async function addOtherGateways(running, { gateways, perGateway }) {
  const { store, clock } = running.deps;
  const now = clock.now();
  for (let g = 0; g < gateways; g++) {
    for (let i = 0; i < perGateway; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, perGateway - i) }, (_, k) =>
          store.putSession({
            id: crypto.randomBytes(16).toString('base64url'),
            code: `${String.fromCharCode(75 + g)}${String(i + k).padStart(5, '0')}`,
            gatewayId: `branch-${g + 2}`,
            zoneId: 'wifi',
            day: running.deps.keys.today(),
            pseudonym: crypto.randomBytes(32).toString('base64url'),
            sealedAddress: `v1.${crypto.randomBytes(40).toString('base64url')}`,
            startedAt: now,
            endsAt: now + 3_600_000 + (i + k) * 10,
            lastActivityAt: now,
            via: 'click-through',
          }),
        ),
      );
    }
  }
  return { added: gateways * perGateway };
}

/**
 * The store work of the staff Sessions page, `rounds` times: the counts, the first page, a page
 * deep in the list (after a cursor) and a find by code, each timed.
 */
async function staffPage(running, { rounds = 20 }) {
  const live = running.deps.staff.live;
  const code = running.deps.sessions.live.values().next().value.record.code;
  const times = { first: [], deep: [], find: [] };
  // A cursor a fair way in: ten pages forward, untimed.
  let deep = (await live.page()).next;
  for (let i = 0; i < 9 && deep; i++) deep = (await live.page({ after: deep })).next;
  for (let r = 0; r < rounds; r++) {
    // The first page and the deep one by turns, each with the counts, as the page asks for them.
    const which = r % 2 ? 'deep' : 'first';
    let t = nowMs();
    await Promise.all([live.counts(), live.page(which === 'deep' && deep ? { after: deep } : {})]);
    times[which].push(nowMs() - t);
    t = nowMs();
    const found = await live.find(code);
    times.find.push(nowMs() - t);
    if (!found) throw new Error('staff find by code found nothing');
  }
  const sorted = (xs) => [...xs].sort((a, b) => a - b);
  const summary = (xs) => ({ median: sorted(xs)[Math.floor(xs.length / 2)], max: Math.max(...xs) });
  return { first: summary(times.first), deep: summary(times.deep), find: summary(times.find), counts: await live.counts() };
}

module.exports = { jobDuring, jobNames, addOtherGateways, staffPage };
