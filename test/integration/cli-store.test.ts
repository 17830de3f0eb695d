// The CLI commands that read the store say which store they use, and stop with the fix when
// there is none where they look (THRESHOLD_CONFIG unset: the default ./data).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createStore } from '../../src/store/registry';
import { describeStore, missingStoreProblem } from '../../src/store/store-location';
import { ensureBuilt, ROOT } from '../helpers/server-process';

const CLI = path.join(ROOT, 'dist', 'cli.js');

function cli(cwd: string, env: Record<string, string>, ...args: string[]) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['THRESHOLD_CONFIG', 'DATA_DIR', 'REDIS_URL'].includes(k)));
  return spawnSync(process.execPath, [CLI, ...args], { cwd, env: { ...clean, ...env }, encoding: 'utf8', timeout: 60_000 });
}

jest.setTimeout(60_000);

describe('the CLI and its store', () => {
  let dir: string;
  beforeAll(() => ensureBuilt());
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-cli-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when THRESHOLD_CONFIG is unset and ./data holds no store, then workstation and staff commands fail with the fix', () => {
    for (const args of [['workstation', 'list'], ['staff', 'list']]) {
      const res = cli(dir, {}, ...args);
      expect(res.status).toBe(1);
      expect(res.stdout).toBe('');
      expect(res.stderr).toContain('No Threshold data in ./data (the default, as THRESHOLD_CONFIG is not set): there is no threshold.db there.');
      expect(res.stderr).toContain('Set THRESHOLD_CONFIG=/etc/threshold/threshold.json');
    }
    // Nothing was created where the command looked.
    expect(fs.existsSync(path.join(dir, 'data'))).toBe(false);
  });

  it('when the configuration points at a data directory without a store, then the message names the file it came from', () => {
    const config = path.join(dir, 'threshold.json');
    fs.writeFileSync(config, JSON.stringify({ dataDir: path.join(dir, 'nowhere') }));
    const res = cli(dir, { THRESHOLD_CONFIG: config }, 'workstation', 'list');
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`No Threshold data in ${path.join(dir, 'nowhere')} (dataDir from ${config} (or DATA_DIR))`);
    expect(res.stderr).toContain('start the server once');
  });

  it('when the store exists, then the command says which one it uses on stderr and answers on stdout', async () => {
    const store = createStore({ dataDir: dir });
    await store.init();
    await store.close();
    const res = cli(dir, { DATA_DIR: dir }, 'workstation', 'list');
    expect(res.stderr).toBe(`Using SQLite in ${path.join(dir, 'threshold.db')}.\n`);
    expect(res.stdout).toBe('No workstations enrolled.\n');
    expect(res.status).toBe(0);
  });

  it('when the store is Redis, then it is described without its password and never looked for on disk', () => {
    const config = { dataDir: path.join(dir, 'nowhere'), redisUrl: 'redis://:hunter2@10.0.99.10:6379' };
    expect(describeStore(config)).toBe('Redis at redis://:***@10.0.99.10:6379');
    expect(missingStoreProblem(config, undefined)).toBeUndefined();
  });
});
