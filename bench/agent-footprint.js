// Bench: the agent's footprint on a workstation: resident memory, and CPU time per report, with
// a heartbeat every second (to count many reports quickly) and the session polled at its default
// pace; next to a bare Node process measured in the same run. One-shot `--once` time as well.
// Run: npm run build && node bench/agent-footprint.js   (DURATION seconds to change, default 30)
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { CLI, requireBuilt, startProcess, startThreshold, processUsage } = require('./workstation-bench-support');

const DURATION = Number(process.env.DURATION || 30);
const WARMUP = 5;
const { setTimeout: wait } = require('node:timers/promises');
const sleep = (s) => wait(s * 1000);

async function main() {
  requireBuilt();
  const { SqliteStore } = require('../dist/store/sqlite-store');
  const server = await startThreshold();
  const stops = [server.stop];
  try {
    const store = new SqliteStore({ file: path.join(server.dataDir, 'threshold.db') });
    await store.init();
    stops.unshift(() => store.close());
    const code = /Enrolment code: (\S+)/.exec(spawnSync(process.execPath, [CLI, 'workstation', 'code'], { env: { ...process.env, DATA_DIR: server.dataDir }, encoding: 'utf8' }).stdout)[1];
    const configFile = path.join(server.dataDir, 'agent.json');
    const enrol = spawnSync(process.execPath, [CLI, 'agent', 'enroll', '--server', server.url, '--code', code, '--name', 'bench-pc', '--config', configFile, '--allow-http'], { encoding: 'utf8' });
    if (enrol.status !== 0) throw new Error(enrol.stderr);
    const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
    fs.writeFileSync(configFile, JSON.stringify({ ...config, heartbeatCron: '* * * * * *' }), { mode: 0o600 });

    const onceStarted = Date.now();
    const once = spawnSync(process.execPath, [CLI, 'agent', 'run', '--once', '--config', configFile], { env: { ...process.env, LOG_LEVEL: 'warn' }, encoding: 'utf8' });
    const onceMs = Date.now() - onceStarted;
    if (once.status !== 0) throw new Error(`agent run --once failed: ${once.stdout}${once.stderr}`);

    const bare = await startProcess(process.execPath, ['-e', "setInterval(() => {}, 1000); console.log('ready')"], { readyText: 'ready', what: 'bare node' });
    stops.unshift(bare.stop);
    const agent = await startProcess(process.execPath, [CLI, 'agent', 'run', '--config', configFile], { env: { LOG_LEVEL: 'info' }, readyText: 'agent running', what: 'agent' });
    stops.unshift(agent.stop);

    const reports = async () => (await store.workstations.history('bench-pc')).length;
    await sleep(WARMUP);
    const [u0, r0] = [processUsage(agent.child.pid), await reports()];
    await sleep(DURATION);
    const [u1, r1] = [processUsage(agent.child.pid), await reports()];
    const bareUsage = processUsage(bare.child.pid);

    const perReport = (u1.cpuMs - u0.cpuMs) / (r1 - r0);
    console.log(`node ${process.version}; agent measured for ${DURATION} s after ${WARMUP} s of warm-up`);
    console.log(`reports delivered:          ${r1 - r0} (heartbeat every second; session polled every ${config.idlePollSeconds} s, none live)`);
    console.log(`agent CPU per report:       ${perReport.toFixed(1)} ms (user + system, with systeminformation's helper processes and the polls)`);
    console.log(`agent memory:               RSS ${u1.rssMiB.toFixed(1)} MiB, peak ${u1.peakRssMiB.toFixed(1)} MiB`);
    console.log(`bare node process:          RSS ${bareUsage.rssMiB.toFixed(1)} MiB (agent/bare ${(u1.rssMiB / bareUsage.rssMiB).toFixed(2)})`);
    console.log(`at the default schedule:    one report a minute is ${((100 * perReport) / 60_000).toFixed(3)} % of one core`);
    console.log(`agent run --once:           ${onceMs} ms wall time (start, measure, send, exit)`);
  } finally {
    for (const stop of stops) await stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
