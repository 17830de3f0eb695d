// The SQLite store's checkpoint worker: the WAL is copied and truncated off the main thread, by
// itself while writes go on, and truncated after every sweep; the worker ends with the store; a worker that
// fails leaves the store checkpointing on its own connection, with nothing crashed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { Checkpointer } from '../../src/store/sqlite/checkpointer';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { waitFor } from '../helpers/wait';
import { makeSession } from './store.contract';

const dirs: string[] = [];

function tempFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-ckpt-'));
  dirs.push(dir);
  return path.join(dir, 'threshold.db');
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const walSize = (file: string): number => (fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0);

/** The WAL header's salts (bytes 16-23): new ones each time a writer starts the WAL over. */
function walSalts(file: string): string {
  const fd = fs.openSync(`${file}-wal`, 'r');
  try {
    const header = Buffer.alloc(8);
    fs.readSync(fd, header, 0, 8, 16);
    return header.toString('hex');
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes sessions until the WAL holds at least `bytes`. */
async function fillWal(store: SqliteStore, file: string, bytes: number): Promise<void> {
  while (walSize(file) < bytes) await store.putSession(makeSession());
}

describe('SQLite checkpoints in a worker', () => {
  test('when sessions are written, then the worker copies them into the main file by itself, with no sweep and no commit doing it', async () => {
    const file = tempFile();
    const store = new SqliteStore({ file, checkpoints: { everyMs: 10 } });
    await store.init();
    try {
      const s = makeSession();
      await store.putSession(s);
      expect(await waitFor(async () => fs.readFileSync(file).includes(s.sealedAddress), (found) => found, { intervalMs: 10 })).toBe(true);
    } finally {
      await store.close();
    }
  });

  test('when sessions are written back to back, then the worker has writers start the WAL over from its start, again and again', async () => {
    const file = tempFile();
    const store = new SqliteStore({ file, checkpoints: { everyMs: 10, walLimitPages: 16 } });
    await store.init();
    try {
      // Each write waits only for a turn of the event loop, as grants in a burst do: no quiet
      // moment in which a PASSIVE pass alone would find every frame copied when a write begins.
      // SQLite gives the WAL new salts in its header each time a writer starts it over.
      const starts = new Set<string>();
      const until = Date.now() + 5000;
      while (Date.now() < until && starts.size < 5) {
        for (let i = 0; i < 20; i++) await store.putSession(makeSession());
        await new Promise((r) => setImmediate(r));
        starts.add(walSalts(file));
      }
      // Without the RESTART: 3 in 3 s (the first writes, before the worker was busy), while the
      // WAL grew to 260-340 MB; with it, 5 in under a second, the WAL 12-25 MB at most.
      expect(starts.size).toBeGreaterThanOrEqual(5);
    } finally {
      await store.close();
    }
  });

  test('when the WAL is past its limit and writes stop for a moment, then the worker starts it over in that moment (its writer lock never meets a write)', async () => {
    const file = tempFile();
    const store = new SqliteStore({ file, checkpoints: { everyMs: 20, walLimitPages: 16 } });
    await store.init();
    try {
      // Past the limit (16 pages), far below the hard one (16 times that).
      await fillWal(store, file, 40 * 4096);
      const before = walSalts(file);
      // One write every 150 ms: quiet moments of 25 ms and more between them. The write after
      // the worker's RESTART starts the WAL over.
      await waitFor(
        async () => {
          await store.putSession(makeSession());
          return walSalts(file);
        },
        (salts) => salts !== before,
        { timeoutMs: 20_000, intervalMs: 150 },
      );
      expect(walSalts(file)).not.toBe(before);
    } finally {
      await store.close();
    }
  });

  test('when sessions are swept, then the worker has truncated the WAL by the time the sweep resolves, and the main connection never checkpoints by itself', async () => {
    const file = tempFile();
    const store = new SqliteStore({ file });
    await store.init();
    try {
      const gone = makeSession({ endsAt: Date.now() - 3_600_000 });
      await store.putSession(gone);
      await fillWal(store, file, 64 * 1024);
      await store.sweep(Date.now());
      expect(walSize(file)).toBe(0);
      expect(fs.readFileSync(file).includes(gone.sealedAddress)).toBe(false);
      const db = (store as unknown as { db: Database.Database }).db;
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    } finally {
      await store.close();
    }
  });

  test('when the store is closed, then the worker has closed its connection too (the last one out removes the WAL)', async () => {
    const file = tempFile();
    const store = new SqliteStore({ file });
    await store.init();
    // A sweep is answered by the worker: its connection is open.
    await store.sweep(Date.now());
    await store.putSession(makeSession());
    await store.close();
    expect(fs.existsSync(`${file}-wal`)).toBe(false);
    // And it opens again, with a worker of its own.
    await store.init();
    await store.putSession(makeSession());
    await store.sweep(Date.now());
    expect(walSize(file)).toBe(0);
    await store.close();
  });

  test('when the worker cannot start, then sweeps still truncate the WAL on the store\'s own connection, SQLite checkpoints by itself again and nothing throws', async () => {
    const file = tempFile();
    const store = new SqliteStore({ file, checkpoints: { source: 'throw new Error("no checkpoints here")' } });
    await store.init();
    try {
      const db = (store as unknown as { db: Database.Database }).db;
      expect(await waitFor(async () => db.pragma('wal_autocheckpoint', { simple: true }), (n) => n !== 0, { intervalMs: 10 })).toBe(1000);
      await fillWal(store, file, 16 * 1024);
      await store.sweep(Date.now());
      expect(walSize(file)).toBe(0);
    } finally {
      await store.close();
    }
  });

  test('when the worker dies while asked for a checkpoint, then the ask fails with the reason, onFailure is called once and stop still resolves', async () => {
    const file = tempFile();
    new Database(file).close();
    const failures: Error[] = [];
    const source = "require('node:worker_threads').parentPort.on('message', () => process.exit(3));";
    const checkpointer = new Checkpointer(file, (err) => failures.push(err), { source });
    await expect(checkpointer.truncate()).rejects.toThrow(/exited \(code 3\)/);
    expect(failures).toHaveLength(1);
    expect(checkpointer.alive).toBe(false);
    await expect(checkpointer.truncate()).rejects.toThrow(/exited/);
    await checkpointer.stop();
  });
});
