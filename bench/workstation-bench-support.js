// Shared by bench/heartbeats.js and bench/agent-footprint.js: free ports, a private
// redis-server, the real `threshold serve` process, and reading a process's CPU and memory.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { setTimeout, clearTimeout } = require('node:timers');

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

function requireBuilt() {
  if (!fs.existsSync(CLI)) {
    console.error('dist/ is missing: run "npm run build" first.');
    process.exit(1);
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Waits until `output()` contains `text` or the child exits. */
function waitForOutput(child, output, text, what) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 15 s:\n${output()}`)), 15_000);
    const check = () => {
      if (output().includes(text)) {
        clearTimeout(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearTimeout(timer);
        reject(new Error(`${what} exited with ${child.exitCode}:\n${output()}`));
      } else setTimeout(check, 50);
    };
    check();
  });
}

/** Children still running: killed if this process exits early (an error, Ctrl-C, a closed pipe). */
const children = new Set();
process.once('exit', () => children.forEach((c) => c.kill('SIGKILL')));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGPIPE']) process.once(signal, () => process.exit(1));

/** Spawns a command, keeps its output, resolves once `readyText` appears. */
async function startProcess(cmd, args, { env = {}, readyText, what }) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  if (readyText) await waitForOutput(child, () => out, readyText, what);
  return {
    child,
    output: () => out,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A private redis-server on a free port, without persistence; removed on stop. */
async function startRedis() {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-ws-bench-redis-'));
  const redis = await startProcess('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], {
    readyText: 'Ready to accept connections',
    what: 'redis-server',
  });
  return { url: `redis://127.0.0.1:${port}`, stop: async () => (await redis.stop(), fs.rmSync(dir, { recursive: true, force: true })) };
}

/** The real server (`node dist/cli.js serve`) on a free port with the agent API over HTTP. */
async function startThreshold(env = {}, nodeArgs = []) {
  const port = await freePort();
  const staffPort = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-ws-bench-'));
  const server = await startProcess(process.execPath, [...nodeArgs, CLI, 'serve'], {
    env: { PORT: String(port), STAFF_PORT: String(staffPort), HOST: '127.0.0.1', DATA_DIR: dataDir, AGENT_OVER_HTTP: 'true', LOG_LEVEL: 'warn', ...env },
    readyText: 'agent API served over plain HTTP',
    what: 'threshold serve',
  });
  return { ...server, port, dataDir, url: `http://127.0.0.1:${port}`, stop: async () => (await server.stop(), fs.rmSync(dataDir, { recursive: true, force: true })) };
}

/** CPU time (user + system, its own and its children's, ms) and memory (resident now and at peak, MiB) of a process, from /proc. */
function processUsage(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime, stime, and the same for children it waited for (systeminformation runs helpers).
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

module.exports = { ROOT, CLI, requireBuilt, freePort, startProcess, startRedis, startThreshold, processUsage, sampleReport };
