// Runs the Store contract against SQLite (a fresh temp DATA_DIR per test), plus what only SQLite has.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ManualClock } from '../../src/domain/clock';
import { createStore } from '../../src/store/registry';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { SESSION_GRACE_MS } from '../../src/store/types';
import { describeGrantContract } from './grant.contract';
import { describeSessionCasContract } from './session-cas.contract';
import { describeStoreContract, makeSession } from './store.contract';

const dirs: string[] = [];

function tempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-sqlite-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describeStoreContract('sqlite', async () => {
  const store = new SqliteStore({ file: path.join(tempDataDir(), 'data', 'threshold.db') });
  await store.init();
  return store;
});

describeGrantContract('sqlite', async () => {
  const store = new SqliteStore({ file: path.join(tempDataDir(), 'data', 'threshold.db') });
  await store.init();
  return store;
});

describeSessionCasContract('sqlite', async () => {
  const file = path.join(tempDataDir(), 'threshold.db');
  const store = new SqliteStore({ file });
  await store.init();
  return {
    store,
    async second() {
      const b = new SqliteStore({ file });
      await b.init();
      return b;
    },
  };
});

describe('SqliteStore', () => {
  test('when a day of 20,000 devices is purged and swept, then every row goes, never more than 500 in one statement, with the loop let run between statements', async () => {
    const clock = new ManualClock(Date.UTC(2026, 11, 1, 23, 0));
    const store = new SqliteStore({ file: path.join(tempDataDir(), 'threshold.db'), clock });
    await store.init();
    try {
      const db = (store as unknown as { db: Database.Database }).db;
      const put = db.prepare('INSERT INTO daily_usage VALUES (?, ?, 60, ?)');
      const day = (d: string, expiresAt: number) => db.transaction(() => {
        for (let i = 0; i < 20_000; i++) put.run(d, `p${i}`, expiresAt);
      })();
      day('2026-12-01', Date.UTC(2026, 11, 3));
      day('2026-11-30', Date.UTC(2026, 11, 2));
      for (let i = 0; i < 2_000; i++) await store.putSession(makeSession({ id: `s${i}`, code: `C${i}`, gatewayId: 'gw', day: '2026-12-01', endsAt: clock.now() + 60_000 }));
      const statements = (store as unknown as { statements: { purgeUsage: Database.Statement; purgeSessions: Database.Statement } }).statements;
      const counted = (st: Database.Statement, limitAt: number) => {
        const calls: number[] = [];
        const run = st.run.bind(st);
        jest.spyOn(st, 'run').mockImplementation((...args: unknown[]) => {
          const a = args as [number | string | Record<string, unknown>, number];
          calls.push(Number(limitAt < 0 ? (a[0] as Record<string, unknown>).n : a[limitAt]));
          return run(...(args as []));
        });
        return calls;
      };
      const usage = counted(statements.purgeUsage, 1);
      const sessions = counted(statements.purgeSessions, -1);
      const swept: number[] = [];
      let turns = 0;
      const ticking = setInterval(() => turns++, 0);
      clock.set(Date.UTC(2026, 11, 2, 0, 30));
      await store.purgeDay('2026-12-01', 'gw');
      await store.sweep(clock.now(), { onBatch: (kind, removed) => kind === 'daily_usage' && swept.push(removed) });
      clearInterval(ticking);
      const left = db.prepare('SELECT (SELECT COUNT(*) FROM daily_usage) + (SELECT COUNT(*) FROM sessions) AS n').get() as { n: number };
      expect(left.n).toBe(0);
      for (const calls of [usage, sessions, swept]) {
        expect(calls.length).toBeGreaterThan(1);
        expect(Math.max(...calls)).toBeLessThanOrEqual(500);
      }
      expect(usage.length + swept.length).toBeGreaterThanOrEqual(80);
      expect(turns).toBeGreaterThan(0);
    } finally {
      await store.close();
    }
  });

  test('when the server and the CLI open the same file, then each sees the other\'s writes', async () => {
    const file = path.join(tempDataDir(), 'threshold.db');
    const server = new SqliteStore({ file });
    const cli = new SqliteStore({ file });
    await server.init();
    await cli.init();
    try {
      const s = makeSession();
      await server.putSession(s);
      expect(await cli.getSession(s.id)).toEqual(s);
      await cli.addUsage('2026-11-21', 'p1', 60, Date.now() + 60_000);
      expect(await server.addUsage('2026-11-21', 'p1', 30, Date.now() + 60_000)).toBe(90);
      expect(await cli.deleteSession(s.id)).toBe(true);
      expect(await server.findSessionByCode(s.code)).toBeUndefined();
    } finally {
      await server.close();
      await cli.close();
    }
  });

  test('when the store creates its file, then the directory is 0700, the file 0600 and the journal WAL', async () => {
    const dir = path.join(tempDataDir(), 'data');
    const file = path.join(dir, 'threshold.db');
    const store = new SqliteStore({ file });
    await store.init();
    await store.close();
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(1);
    } finally {
      db.close();
    }
  });

  test('when the store is open, then its connection\'s page cache is SQLite\'s own 2 MB, not the driver\'s 16 MB (it stayed resident after a grant burst)', async () => {
    const store = new SqliteStore({ file: path.join(tempDataDir(), 'threshold.db') });
    await store.init();
    try {
      const db = (store as unknown as { db: Database.Database }).db;
      expect(db.pragma('cache_size', { simple: true })).toBe(-2000);
    } finally {
      await store.close();
    }
  });

  test('when the file was written by a newer schema, then init refuses it', async () => {
    const file = path.join(tempDataDir(), 'threshold.db');
    const db = new Database(file);
    db.pragma('user_version = 999');
    db.close();
    await expect(new SqliteStore({ file }).init()).rejects.toThrow(/newer Threshold/);
  });

  test('when a clock is injected, then expiry follows that clock and sweep deletes the rows', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 5, 10));
    const file = path.join(tempDataDir(), 'threshold.db');
    const store = new SqliteStore({ file, clock });
    await store.init();
    try {
      const s = makeSession({ startedAt: clock.now(), endsAt: clock.now() + 3_600_000 });
      await store.putSession(s);
      await store.addUsage('2026-01-05', 'p1', 60, clock.now() + 86_400_000);
      expect(await store.getSession(s.id)).toEqual(s);
      clock.advance(3_600_000 + SESSION_GRACE_MS);
      expect(await store.getSession(s.id)).toBeUndefined();
      expect(await store.getUsage('2026-01-05', 'p1')).toBe(60);
      await store.sweep(clock.now());
      const raw = new Database(file, { readonly: true });
      try {
        expect(raw.prepare('SELECT COUNT(*) AS n FROM sessions').get()).toEqual({ n: 0 });
        expect(raw.prepare('SELECT COUNT(*) AS n FROM daily_usage').get()).toEqual({ n: 1 });
      } finally {
        raw.close();
      }
    } finally {
      await store.close();
    }
  });

  test('when no Redis URL is configured, then the registry opens threshold.db in DATA_DIR', async () => {
    const dataDir = tempDataDir();
    const store = createStore({ dataDir });
    await store.init();
    await store.close();
    expect(store.kind).toBe('sqlite');
    expect(fs.existsSync(path.join(dataDir, 'threshold.db'))).toBe(true);
  });

  test('when the store is used before init, then it says so', async () => {
    const store = new SqliteStore({ file: path.join(tempDataDir(), 'threshold.db') });
    await expect(store.getSession('x')).rejects.toThrow(/init\(\)/);
    await expect(store.ping()).rejects.toThrow(/not open/);
  });

  test('when sessions are deleted and the store is swept or a day purged, then no byte of them is left in the main file, the WAL or the SHM', async () => {
    const dir = tempDataDir();
    const file = path.join(dir, 'threshold.db');
    const store = new SqliteStore({ file });
    await store.init();
    try {
      const gone = [makeSession(), makeSession({ day: '2026-01-04' })];
      const kept = makeSession();
      for (const s of [...gone, kept]) await store.putSession(s);
      await store.addUsage('2026-01-04', gone[1]!.pseudonym, 60, Date.now() + 3_600_000);
      await store.deleteSession(gone[0]!.id);
      await store.sweep(Date.now());
      await store.purgeDay('2026-01-04');
      expect(fs.statSync(`${file}-wal`).size).toBe(0);
      const bytes = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f)));
      for (const s of gone) {
        for (const secret of [s.id, s.sealedAddress, s.pseudonym, s.code]) {
          expect(bytes.filter((b) => b.includes(secret))).toEqual([]);
        }
      }
      expect(bytes.some((b) => b.includes(kept.sealedAddress))).toBe(true);
    } finally {
      await store.close();
    }
  });

  test('when a backup is written, then it is a consistent, owner-only copy of the store', async () => {
    const dir = tempDataDir();
    const store = new SqliteStore({ file: path.join(dir, 'threshold.db') });
    await store.init();
    try {
      const s = makeSession();
      await store.putSession(s);
      const target = path.join(dir, 'backup.db');
      await store.backup(target);
      expect(fs.statSync(target).mode & 0o777).toBe(0o600);
      const copy = new SqliteStore({ file: target });
      await copy.init();
      try {
        expect(await copy.getSession(s.id)).toEqual(s);
      } finally {
        await copy.close();
      }
    } finally {
      await store.close();
    }
  });
});
