// Bench: the workstation agent's footprint: resident memory, and CPU time per report, with a
// heartbeat every second (to count many reports quickly) and the session polled at its default
// pace; next to a bare Node process measured in the same run. The one-shot `--once` time too.
// Run alone: npm run build && node bench/agent-footprint.js (BENCH_DURATION seconds, default 30).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { setTimeout: wait } = require('node:timers/promises');
const { machine, requireDist, runMain } = require('./lib/common');
const { CLI, processUsage, startProcess, startThreshold } = require('./workstation-bench-support');

const DURATION_S = Number(process.env.BENCH_DURATION || 30);
const WARMUP_S = 5;

async function main() {
  console.log(`# workstation agent footprint — ${machine()}`);
  const { SqliteStore } = requireDist('store/sqlite/sqlite-store');
  const server = await startThreshold();
  const store = new SqliteStore({ file: path.join(server.dataDir, 'threshold.db') });
  await store.init();
  try {
    const made = spawnSync(process.execPath, [CLI, 'workstation', 'code'], { env: { ...process.env, DATA_DIR: server.dataDir }, encoding: 'utf8' });
    const code = /Enrolment code: (\S+)/.exec(made.stdout)?.[1];
    if (!code) throw new Error(`threshold workstation code failed: ${made.stderr}`);
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
    const agent = await startProcess(process.execPath, [CLI, 'agent', 'run', '--config', configFile], { env: { LOG_LEVEL: 'info' }, readyText: 'agent running', what: 'agent' });
    try {
      const reports = async () => (await store.workstations.history('bench-pc')).length;
      await wait(WARMUP_S * 1000);
      const [u0, r0] = [processUsage(agent.child.pid), await reports()];
      await wait(DURATION_S * 1000);
      const [u1, r1] = [processUsage(agent.child.pid), await reports()];
      const bareRss = processUsage(bare.child.pid).rssMiB;
      const perReport = (u1.cpuMs - u0.cpuMs) / (r1 - r0);
      console.log(`${r1 - r0} reports in ${DURATION_S} s after ${WARMUP_S} s warm-up (heartbeat every second; session polled every ${config.idlePollSeconds} s, none live)`);
      console.log(`agent CPU per report: ${perReport.toFixed(1)} ms (user + system, systeminformation's helper processes and the polls included)`);
      console.log(`agent memory: RSS ${u1.rssMiB.toFixed(1)} MiB, peak ${u1.peakRssMiB.toFixed(1)} MiB; bare node ${bareRss.toFixed(1)} MiB (ratio ${(u1.rssMiB / bareRss).toFixed(2)})`);
      console.log(`at the default schedule (one report a minute): ${((100 * perReport) / 60_000).toFixed(3)} % of one core`);
      console.log(`agent run --once: ${onceMs} ms wall time (start, measure, send, exit)`);
      return { cpuPerReportMs: perReport, rssMiB: u1.rssMiB, peakRssMiB: u1.peakRssMiB, bareRssMiB: bareRss, onceMs };
    } finally {
      await agent.stop();
      await bare.stop();
    }
  } finally {
    await store.close();
    await server.stop();
  }
}

runMain(module, main);
