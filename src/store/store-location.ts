// Where the configured store is, said plainly, so that a CLI command run without the service's
// configuration (THRESHOLD_CONFIG unset: the default ./data) says so instead of showing an empty store.
import fs from 'node:fs';
import path from 'node:path';
import { redactRedisUrl } from './redis/connection';
import { SQLITE_FILE } from './registry';

/** The service's configuration file, as deploy/threshold.service sets it. */
export const SERVICE_CONFIG = '/etc/threshold/threshold.json';

interface StoreConfig {
  dataDir: string;
  redisUrl?: string | undefined;
}

/** "SQLite in /var/lib/threshold/threshold.db" or "Redis at redis://:***@10.0.99.10:6379". */
export function describeStore(config: StoreConfig): string {
  return config.redisUrl ? `Redis at ${redactRedisUrl(config.redisUrl)}` : `SQLite in ${path.join(config.dataDir, SQLITE_FILE)}`;
}

/**
 * Why a command that reads the store should not run, with the fix, or undefined when it may.
 * A missing SQLite file means the command is looking in the wrong place (or the server never
 * ran): opening it would create an empty store and answer "nothing there".
 */
export function missingStoreProblem(config: StoreConfig, configFile: string | undefined): string | undefined {
  if (config.redisUrl) return undefined;
  const file = path.join(config.dataDir, SQLITE_FILE);
  if (fs.existsSync(file)) return undefined;
  const source = configFile ? `dataDir from ${configFile} (or DATA_DIR)` : 'the default, as THRESHOLD_CONFIG is not set';
  const fix = configFile
    ? `Check that dataDir (or DATA_DIR) is the server's data directory, or start the server once: it creates the store.`
    : `Set THRESHOLD_CONFIG=${SERVICE_CONFIG} (the service's configuration; docs/install.md step 8 puts it on PATH with the command), or DATA_DIR, to where the server keeps its data; or start the server once: it creates the store.`;
  return `No Threshold data in ${config.dataDir} (${source}): there is no ${SQLITE_FILE} there.\n${fix}`;
}
