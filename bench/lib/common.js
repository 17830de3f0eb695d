// Shared bench helpers: free ports, temp dirs and child processes that are always cleaned up,
// percentiles, and the machine line every report starts with.
const { fork } = require('node:child_process');
const fs = require('node:fs');
const { registerTs } = require('./ts-require');
const os = require('node:os');
const path = require('node:path');
const { setTimeout, clearTimeout } = require('node:timers');

const ROOT = path.join(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');

/** Everything to undo when the bench ends, however it ends. */
const cleanups = [];
let cleaned = false;

function cleanupNow() {
  if (cleaned) return;
  cleaned = true;
  for (const fn of cleanups.reverse()) {
    try {
      fn();
    } catch {
      // best effort: keep undoing the rest
    }
  }
}
process.on('exit', cleanupNow);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanupNow();
    process.exit(130);
  });
}

/** Fails early with the command to run when dist/ is missing. */
function requireDist(rel) {
  const file = path.join(DIST, rel);
  if (!fs.existsSync(`${file}.js`)) throw new Error(`${file}.js is missing: run "npm run build" first (npm run bench does)`);
  return require(file);
}

/** A temp dir removed when the process exits. */
function tempDir(label) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `threshold-bench-${label}-`));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// One implementation of free ports for tests and benches: test/helpers/ports.ts. Loaded on first
// use, not here: the bench's gateway child requires this file too, and compiling ports.ts would
// leave the whole TypeScript compiler (25-30 MiB) in the heap whose size the bench measures.
async function freePort() {
  registerTs();
  return require('../../test/helpers/ports.ts').freePort();
}

/** Kills a child we started (by its pid) when the bench exits, if it is still running. */
function killOnExit(child) {
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
}

/**
 * Forks a bench child script with an IPC channel and waits for its `{ ready }` message.
 * Returns `call(msg)` (request/response over IPC), `stop()`, and the ready message.
 */
async function forkChild(script, { env = {}, execArgv = [], logFile, timeoutMs = 20_000 } = {}) {
  const out = logFile ? fs.openSync(logFile, 'a') : 'ignore';
  const child = fork(script, [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', out, out, 'ipc'] });
  if (typeof out === 'number') fs.closeSync(out);
  killOnExit(child);
  const waiting = new Map();
  let nextId = 1;
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${path.basename(script)} did not start in ${timeoutMs} ms${tail(logFile)}`)), timeoutMs);
    child.on('message', (msg) => {
      if (msg.ready) {
        clearTimeout(timer);
        resolve(msg);
      } else if (msg.id && waiting.has(msg.id)) {
        const { resolve: done, reject: fail } = waiting.get(msg.id);
        waiting.delete(msg.id);
        if (msg.error) fail(new Error(msg.error));
        else done(msg.result);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const err = new Error(`${path.basename(script)} exited (${signal ?? code})${tail(logFile)}`);
      reject(err);
      for (const { reject: fail } of waiting.values()) fail(err);
      waiting.clear();
    });
  });
  return {
    child,
    ready,
    call(msg) {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        waiting.set(id, { resolve, reject });
        child.send({ ...msg, id });
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function tail(logFile) {
  if (!logFile) return '';
  try {
    return `\n${fs.readFileSync(logFile, 'utf8').split('\n').slice(-20).join('\n')}`;
  } catch {
    return '';
  }
}

/** Nearest-rank percentile of an ascending array. */
function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

function machine() {
  const cpu = os.cpus()[0]?.model?.trim() ?? 'unknown CPU';
  // The load average says how much else was running: on a shared box, figures move with it.
  const load = os.loadavg()[0].toFixed(1);
  return `${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Linux ${os.release()}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}, load average ${load}`;
}

/**
 * The machine's CPU time so far, from /proc/stat (in ticks): all of it, and what the hypervisor
 * took (steal: a virtual CPU ready to run while the host ran something else). Inside the VM
 * steal cannot be told apart: a thread's own CPU time and its time on a core both go on.
 * Undefined off Linux.
 */
function cpuTimes() {
  try {
    const ticks = fs.readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1, 9).map(Number);
    return { total: ticks.reduce((a, b) => a + b, 0), steal: ticks[7] };
  } catch {
    return undefined;
  }
}

/** The share (%) of the machine's CPU time the hypervisor took between two cpuTimes(). */
function stealPercent(before, after) {
  if (!before || !after || after.total <= before.total) return undefined;
  return (100 * (after.steal - before.steal)) / (after.total - before.total);
}

const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/**
 * Runs a bench's main() when the file is run directly; when run by bench/run.js (forked with IPC),
 * sends its result back. Exits non-zero on failure, after cleaning up.
 */
function runMain(mod, main) {
  if (require.main !== mod) return;
  // Run by bench/run.js: if it goes away, stop too (the exit handler cleans up).
  if (process.send) process.once('disconnect', () => process.exit(1));
  // The event loop emptied while main() still waited: an awaited promise that can never settle
  // (a child's message or exit that will not come, a client that ended). Node would exit 0 with
  // the run unfinished and nothing said; this says so and fails.
  let settled = false;
  process.once('beforeExit', () => {
    if (settled) return;
    console.error(`${path.basename(mod.filename)} stopped before it finished: main() was still waiting on a promise that can never settle, with nothing left to keep the event loop alive`);
    process.exit(1);
  });
  main().finally(() => (settled = true)).then(
    (result) => {
      if (process.send) process.send({ result }, () => process.exit(0));
      else process.exit(0);
    },
    (err) => {
      console.error(err && err.stack ? err.stack : err);
      process.exit(1);
    },
  );
}

/** The Node flags deploy/threshold.service starts the server with (e.g. its young generation's size). */
const UNIT_FLAGS = (/ExecStart=\S+node((?: --\S+)*) /.exec(fs.readFileSync(path.join(ROOT, 'deploy', 'threshold.service'), 'utf8'))?.[1] ?? '').trim().split(' ').filter(Boolean);

/** The malloc settings deploy/threshold.service runs the server with (its Environment=MALLOC_… lines). */
const UNIT_ENV = Object.fromEntries([...fs.readFileSync(path.join(ROOT, 'deploy', 'threshold.service'), 'utf8').matchAll(/^Environment=(MALLOC_\w+)=(\S+)$/gm)].map((m) => [m[1], m[2]]));

module.exports = { ROOT, DIST, UNIT_FLAGS, UNIT_ENV, cpuTimes, stealPercent, requireDist, tempDir, freePort, killOnExit, forkChild, percentile, machine, mib, runMain, onCleanup: (fn) => cleanups.push(fn) };
