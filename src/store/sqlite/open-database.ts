// Opening the SQLite file: owner-only permissions, the pragmas every connection of the server
// runs with, and the migrations up to this version.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrations';

/** How long a writer waits for another process (the CLI, the server) to finish its write. */
const BUSY_TIMEOUT_MS = 5000;

/** The main connection's page cache, in KiB (SQLite's own default, not better-sqlite3's 16 MB). */
const PAGE_CACHE_KIB = 2000;

/** Opens (creating, 0600 in a 0700 directory) and migrates the database at `file`. */
export function openDatabase(file: string): Database.Database {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  fs.closeSync(fs.openSync(file, 'a', 0o600));
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  const db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma('journal_mode = WAL');
    // With WAL, NORMAL syncs at checkpoints instead of on every commit: a commit no longer
    // waits on the disk inside the event loop. The database stays consistent on a crash or a
    // power cut; a power cut (not a crash of the process) can lose the last commits since the
    // last checkpoint (docs/benchmarks.md, "SQLite and the disk").
    db.pragma('synchronous = NORMAL');
    db.pragma('secure_delete = ON');
    // better-sqlite3 builds SQLite with a 16 MB page cache per connection (SQLite's own default
    // is 2 MB); with the file past that, a grant burst filled it and it stayed resident. Misses
    // are reads from the OS's cache of the file.
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    db.transaction(() => migrate(db)).immediate();
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}
