// WAL checkpoints off the main thread: a worker thread with a connection of its own copies the
// WAL into the main file and truncates it, so no grant, tick or sweep waits on that copy or its
// fsync inside the event loop (docs/benchmarks.md, "SQLite checkpoints off the main thread").
import { Worker } from 'node:worker_threads';

/** SQLite's own automatic checkpoint point (WAL pages), put back where the worker failed. */
export const CHECKPOINT_PAGES = 1000;
/** How often the worker looks at the WAL, and copies it into the main file where it changed, in ms. */
export const CHECKPOINT_EVERY_MS = 1000;
/**
 * A RESTART holds the writer lock for its copy and fsync (10-14 ms at 100,000 sessions, while the
 * key rotation writes), and a write on the main thread sleeps in SQLite's busy handler meanwhile
 * (its steps overshoot: the loop was held 23-37 ms). So it waits for a moment with no write for
 * RESTART_QUIET_MS, unless the WAL has grown past RESTART_HARD_FACTOR times its limit.
 */
const RESTART_QUIET_MS = 25;
const RESTART_HARD_FACTOR = 16;
/** A truncation asked for (after a sweep) is tried this many times, this many ms apart, while a read or write holds it back. */
const TRUNCATE_TRIES = 50;
const TRUNCATE_RETRY_MS = 5;
/** How long `stop` waits for the worker to close its connection before it is terminated. */
const STOP_WAIT_MS = 2000;

/** How the checkpoint worker is run; tests shorten its period or give it a source that fails. */
export interface CheckpointerOptions {
  /** Look at the WAL's size this often, in ms (default CHECKPOINT_EVERY_MS). */
  everyMs?: number;
  /**
   * Past this many frames in the WAL (default CHECKPOINT_PAGES, SQLite's own automatic checkpoint
   * point) the worker also runs a RESTART checkpoint, so the next write starts the WAL over: under
   * writes back to back (a grant burst) a PASSIVE pass never finds every frame copied at the moment
   * a write begins, and the WAL grew without end (4.5 GB at 100,000 grants, its 8.4 MiB index
   * mapped into the server's RSS). Tests give a small one.
   */
  walLimitPages?: number;
  /** The worker's JavaScript (default: the one below); tests give one that fails. */
  source?: string;
}

// Plain JavaScript, run with `eval`, so the same code runs from dist/ and under ts-jest. The
// driver's path comes in workerData: an eval'd worker resolves modules from the working directory.
// On its own the worker runs PASSIVE checkpoints: they copy the WAL without the writer lock, so
// the server writes on meanwhile, and writers then reuse the WAL from its start. Only a
// truncation asked for (after a sweep or a purge: old frames of deleted rows must go) runs
// TRUNCATE, which holds the writer lock while it copies what is left, syncs and truncates, and a
// write on the main thread then sleeps in SQLite's busy handler (1, 2, 5, 10 ms…): so it is tried
// only once a PASSIVE pass has copied every frame, and the worker's connection never waits for a
// lock (busy timeout 0) but tries again a little later. Where the WAL has grown past its limit
// (writes back to back), a RESTART right after the PASSIVE pass takes the writer lock only to copy
// what was written meanwhile, once a period, and only where no write holds the lock: the next
// write then starts the WAL over from its start. That RESTART is taken in a quiet moment (the
// WAL unchanged for quietMs after the PASSIVE pass), or at once past hardLimit frames (a burst
// with no quiet moment still gets its WAL started over, a little later).
const WORKER_SOURCE = `
const fs = require('node:fs');
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true, timeout: 0 });
db.pragma('synchronous = NORMAL');
const pause = new Int32Array(new SharedArrayBuffer(4));
const truncate = (tries) => {
  for (let i = 0; i < tries; i++) {
    const copied = db.pragma('wal_checkpoint(PASSIVE)')[0];
    if (copied.checkpointed === copied.log && db.pragma('wal_checkpoint(TRUNCATE)')[0].busy === 0) return true;
    if (i + 1 < tries) Atomics.wait(pause, 0, 0, workerData.retryMs);
  }
  return false;
};
const walState = () => {
  try {
    const wal = fs.statSync(workerData.file + '-wal', { bigint: true });
    return wal.size + ':' + wal.mtimeNs;
  } catch { return undefined; }
};
const quiet = () => {
  const before = walState();
  Atomics.wait(pause, 0, 0, workerData.quietMs);
  return walState() === before;
};
let seen = '';
const timer = setInterval(() => {
  const now = walState();
  if (now === undefined || now === seen) return;
  try {
    const log = db.pragma('wal_checkpoint(PASSIVE)')[0].log;
    if (log > workerData.walLimit && (log > workerData.hardLimit || quiet())) db.pragma('wal_checkpoint(RESTART)');
    seen = now;
  } catch (err) { parentPort.postMessage({ error: String(err && err.message) }); }
}, workerData.everyMs);
parentPort.on('message', (m) => {
  if (m.close) {
    clearInterval(timer);
    db.close();
    parentPort.close();
    return;
  }
  try { parentPort.postMessage({ id: m.id, done: truncate(workerData.tries) }); }
  catch (err) { parentPort.postMessage({ id: m.id, error: String(err && err.message) }); }
});
`;

type Waiter = { resolve: (done: boolean) => void; reject: (err: Error) => void };

/**
 * The checkpoint worker of one SQLite file. `truncate` asks for a truncating checkpoint now;
 * between asks the worker copies the WAL into the main file every `everyMs` where it changed. When the worker fails (it could not
 * open the file, it crashed) `truncate` rejects and `onFailure` is called once: the store then
 * checkpoints on its own connection again, so the WAL is still truncated, only not off the loop.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiter>();
  private nextId = 1;
  private failure: Error | undefined;
  private stopping = false;
  private readonly exited: Promise<void>;

  constructor(file: string, onFailure: (err: Error) => void, opts: CheckpointerOptions = {}) {
    const walLimit = opts.walLimitPages ?? CHECKPOINT_PAGES;
    const workerData = { file, driver: require.resolve('better-sqlite3'), everyMs: opts.everyMs ?? CHECKPOINT_EVERY_MS, walLimit, hardLimit: walLimit * RESTART_HARD_FACTOR, quietMs: RESTART_QUIET_MS, tries: TRUNCATE_TRIES, retryMs: TRUNCATE_RETRY_MS };
    // A small heap: the worker holds a connection and a timer, nothing else.
    this.worker = new Worker(opts.source ?? WORKER_SOURCE, { eval: true, workerData, resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 2 } });
    // Never what keeps a process alive, except while an answer is awaited (see truncate).
    this.worker.unref();
    const fail = (err: Error): void => {
      if (this.failure || this.stopping) return;
      this.failure = err;
      for (const w of this.waiting.values()) w.reject(err);
      this.waiting.clear();
      this.worker.unref();
      onFailure(err);
    };
    this.worker.on('message', (m: { id?: number; done?: boolean; error?: string }) => {
      const w = m.id === undefined ? undefined : this.waiting.get(m.id);
      if (!w) return;
      this.waiting.delete(m.id!);
      if (!this.waiting.size) this.worker.unref();
      if (m.error !== undefined) w.reject(new Error(`SQLite checkpoint failed: ${m.error}`));
      else w.resolve(m.done === true);
    });
    this.worker.on('error', (err) => fail(new Error(`SQLite checkpoint worker failed: ${err.message}`, { cause: err })));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        fail(new Error(`SQLite checkpoint worker exited (code ${code})`));
        resolve();
      });
    });
  }

  /** False once the worker has failed or stopped. */
  get alive(): boolean {
    return !this.failure && !this.stopping;
  }

  /**
   * Copies the WAL into the main file and truncates it, in the worker. Resolves false when a
   * reader (the CLI) held the truncation back; rejects when the worker has failed.
   */
  truncate(): Promise<boolean> {
    if (!this.alive) return Promise.reject(this.failure ?? new Error('SQLite checkpoint worker stopped'));
    const id = this.nextId++;
    return new Promise<boolean>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({ id });
    });
  }

  /** Lets the worker close its connection and end (terminated if it does not in time). */
  async stop(): Promise<void> {
    if (this.stopping) return this.exited;
    const wasAlive = this.alive;
    this.stopping = true;
    for (const w of this.waiting.values()) w.reject(new Error('SQLite checkpoint worker stopped'));
    this.waiting.clear();
    if (wasAlive) this.worker.postMessage({ close: true });
    const timer = setTimeout(() => void this.worker.terminate(), wasAlive ? STOP_WAIT_MS : 0);
    await this.exited;
    clearTimeout(timer);
  }
}
