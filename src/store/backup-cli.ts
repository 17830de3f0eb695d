// `threshold backup <file>`: a consistent copy of the SQLite store with no key material (keys
// live in KEYS_DIR and are never backed up); for Redis, what to back up instead and why.
import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { Config } from '../config/schema';
import { keysDirOf } from '../privacy/key-file';

/** Said for a Redis store: Redis backs itself up, and it holds no key. */
export const REDIS_BACKUP_ADVICE =
  'This gateway uses the Redis store: back up Redis itself (BGSAVE, then copy its dump.rdb; or its AOF directory). ' +
  'No key is in Redis: each gateway keeps its keys in KEYS_DIR, which must not be backed up (see docs/install.md).';

/**
 * Writes a backup of the configured SQLite store to `file` and returns what to tell the operator.
 * Throws with a message a person can act on when the file exists, sits in KEYS_DIR, or the store is Redis.
 */
export async function backupStore(config: Config, file: string): Promise<string> {
  if (config.redisUrl) throw new Error(REDIS_BACKUP_ADVICE);
  const target = path.resolve(file);
  const keysDir = path.resolve(keysDirOf(config));
  if (target === keysDir || target.startsWith(keysDir + path.sep)) {
    throw new Error(`${target} is inside KEYS_DIR (${keysDir}): write the backup somewhere else, keys and backups must never be together`);
  }
  if (fs.existsSync(target)) throw new Error(`${target} already exists: choose a new file name (a backup never overwrites)`);
  const { createStore } = require('./registry') as typeof import('./registry');
  const { SqliteStore } = require('./sqlite/sqlite-store') as typeof import('./sqlite/sqlite-store');
  const store = createStore(config);
  await store.init();
  try {
    if (!(store instanceof SqliteStore)) throw new Error(REDIS_BACKUP_ADVICE);
    await store.backup(target);
  } finally {
    await store.close();
  }
  return `Backup written to ${target} (owner-only). It holds no key: the addresses in it can never be opened, and KEYS_DIR (${keysDir}) stays out of it.`;
}

export function registerBackupCommand(program: Command, config: () => Config): void {
  program
    .command('backup')
    .argument('<file>', 'the file to write (must not exist yet)')
    .description('write a consistent copy of the store, without any key (safe while the server runs)')
    .action(async (file: string) => {
      try {
        console.log(await backupStore(config(), file));
      } catch (err) {
        console.error((err as Error).message);
        process.exit(1);
      }
    });
}
