// Shared by bench/heartbeats.js and bench/agent-footprint.js (on top of bench/lib): the real
// `threshold serve` process with the agent API on plain HTTP, a process's CPU and memory from
// /proc, and a health report as an agent sends it.
'use strict';
const { spawn } = require('node:child_process');
const path = require('node:path');
const { setTimeout, clearTimeout } = require('node:timers');
const fs = require('node:fs');
const { ROOT, freePort, tempDir, killOnExit } = require('./lib/common');

const CLI = path.join(ROOT, 'dist', 'cli.js');

/** Spawns a command (killed if the bench exits early), keeps its output, resolves once `readyText` appears. */
async function startProcess(cmd, args, { env = {}, readyText, what }) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  killOnExit(child);
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  if (readyText) {
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} did not start in 15 s:\n${out}`)), 15_000);
      const check = () => {
        if (out.includes(readyText)) return clearTimeout(timer), resolve();
        if (child.exitCode !== null) return clearTimeout(timer), reject(new Error(`${what} exited with ${child.exitCode}:\n${out}`));
        setTimeout(check, 50);
      };
      check();
    });
  }
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return { child, output: () => out, stop };
}

/** The real server (`node dist/cli.js serve`) on free ports, with the agent API over plain HTTP. */
async function startThreshold(env = {}) {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first (npm run bench does)`);
  const [port, staffPort] = [await freePort(), await freePort()];
  const dataDir = tempDir('workstations');
  const server = await startProcess(process.execPath, [...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean), CLI, 'serve'], {
    env: { PORT: String(port), STAFF_PORT: String(staffPort), HOST: '127.0.0.1', DATA_DIR: dataDir, AGENT_OVER_HTTP: 'true', LOG_LEVEL: 'warn', ...env },
    readyText: 'agent API served over plain HTTP',
    what: 'threshold serve',
  });
  return { ...server, port, dataDir, url: `http://127.0.0.1:${port}` };
}

/** CPU time (user + system, its own and its waited-for children's, ms) and memory (resident now and at peak, MiB), from /proc. */
function processUsage(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, and the same for children (systeminformation runs helper processes).
  const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return { cpuMs: (ticks * 1000) / 100, rssMiB: kb('VmRSS') / 1024, peakRssMiB: kb('VmHWM') / 1024 };
}

/** A health report as an agent sends it. */
function sampleReport(at = Date.now()) {
  return {
    at,
    agentVersion: '0.1.0',
    os: { family: 'windows', distro: 'Microsoft Windows 11 Pro', release: '10.0.22631' },
    cpuLoadPercent: 17.5,
    memory: { usedBytes: 5_368_709_120, totalBytes: 17_179_869_184 },
    systemDisk: { freeBytes: 182_536_110_080, totalBytes: 511_101_108_224 },
    uptimeSeconds: 86_400,
    networkUp: true,
    portalReachable: true,
    intervalSeconds: 60,
    droppedReports: 0,
  };
}

module.exports = { CLI, startProcess, startThreshold, processUsage, sampleReport };
