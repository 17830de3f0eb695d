// `threshold` CLI commands against Redis Sentinel and Cluster exit by themselves once done
// (the client is closed with everything it opened, the failover detector's subscriptions too).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { testClusterUrl, testSentinelUrl } from '../helpers/redis';
import { ROOT, ensureBuilt } from '../helpers/server-process';

/** Runs `node dist/cli.js ...args`; resolves with its exit code (null: it had to be killed) and output. */
function runCli(args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    // A command that does not exit is stopped (and reported as such), never left behind.
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('threshold CLI on Redis Sentinel and Cluster', () => {
  let dataDir: string;
  beforeAll(() => {
    ensureBuilt();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-cli-'));
  });
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  for (const [name, url] of [['Sentinel', testSentinelUrl], ['Cluster', testClusterUrl]] as const) {
    test(`when staff list and workstation list run against ${name}, then each exits by itself with code 0`, async () => {
      for (const args of [['staff', 'list'], ['workstation', 'list']]) {
        const { code, out } = await runCli(args, { REDIS_URL: url(), DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
        expect({ args, code, out }).toEqual({ args, code: 0, out: expect.any(String) });
      }
    }, 60_000);
  }
});
