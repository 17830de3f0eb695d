// Benchmark: the idle server's resident memory, beside a bare Node process's in the same run.
// Starts `node dist/cli.js serve` (SQLite, no clients) with the Node flags of
// deploy/threshold.service (and its malloc settings) and without them, lets it settle, and reads VmRSS from /proc.
// Aim: 70 MiB idle. `npm run build` first.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { setTimeout, clearTimeout } = require('node:timers');
const { freePort, machine, onCleanup, ROOT, runMain, tempDir, UNIT_ENV, UNIT_FLAGS } = require('./lib/common');

const SETTLE_MS = 5000;
/** BENCH_SERVER_ROOT: another checkout's server (built), e.g. to compare with the previous release. */
const SERVER_ROOT = process.env.BENCH_SERVER_ROOT ?? ROOT;

const rssOf = (pid) => Number(/VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts a process, waits until `ready(output)` holds, lets it settle, returns its RSS in MiB. */
async function settledRss(args, env, ready) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  onCleanup(() => child.exitCode === null && child.kill('SIGKILL'));
  let out = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`did not start:\n${out}`)), 60_000);
    const check = (d) => {
      out += d;
      if (ready(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', check);
    child.stderr.on('data', check);
    child.once('exit', (code) => reject(new Error(`exited (${code}):\n${out}`)));
  });
  await sleep(SETTLE_MS);
  const rss = rssOf(child.pid);
  child.kill('SIGTERM');
  return rss;
}

async function server(flags, unitEnv = {}) {
  const env = { ...unitEnv, PORT: String(await freePort()), STAFF_PORT: String(await freePort()), HOST: '127.0.0.1', DATA_DIR: tempDir('idle'), FIREWALL: 'noop', LOG_LEVEL: 'info' };
  return settledRss([...flags, path.join(SERVER_ROOT, 'dist', 'cli.js'), 'serve'], env, (out) => out.includes('portal listening') && out.includes('staff console listening'));
}

async function main() {
  const bareScript = "require('node:http').createServer((q, s) => s.end()).listen(0, () => console.log('up'))";
  const bare = await settledRss(['-e', bareScript], {}, (out) => out.includes('up'));
  const bareFlags = await settledRss([...UNIT_FLAGS, '-e', bareScript], UNIT_ENV, (out) => out.includes('up'));
  const withFlags = await server(UNIT_FLAGS, UNIT_ENV);
  const plain = await server([]);
  console.log(`idle-rss — ${machine()}`);
  console.log(`idle Threshold (SQLite, no clients, ${SETTLE_MS / 1000} s after start) beside a bare Node HTTP server; unit flags: ${UNIT_FLAGS.join(' ') || 'none'}, unit environment: ${Object.entries(UNIT_ENV).map(([k, v]) => `${k}=${v}`).join(' ') || 'none'}`);
  console.log('| process | RSS MiB | ×bare | over bare MiB |');
  console.log('| --- | ---: | ---: | ---: |');
  const row = (name, rss, base) => console.log(`| ${name} | ${rss.toFixed(1)} | ${(rss / base).toFixed(2)} | ${(rss - base).toFixed(1)} |`);
  row('bare Node', bare, bare);
  row(`bare Node, ${UNIT_FLAGS.join(' ')}`, bareFlags, bare);
  row('Threshold, plain node', plain, bare);
  row(`Threshold, ${UNIT_FLAGS.join(' ')} (as deploy/threshold.service)`, withFlags, bare);
  console.log(`aim: 70 MiB idle (as the unit runs it): ${withFlags <= 70 ? 'MET' : 'NOT MET'}`);
  return { bare, bareFlags, plain, withFlags };
}

runMain(module, main);
