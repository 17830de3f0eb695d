// Starts the real `threshold serve` process (the compiled dist/) for
// end-to-end tests, on free ports with its own DATA_DIR; stops it afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { freePort } from './ports';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');
/** How long a server may take to start before the test gives up on it. */
const START_TIMEOUT_MS = 60_000;

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  /** The staff console's port (a free one unless STAFF_PORT is given). */
  staffPort: number;
  dataDir: string;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}


/** Builds dist/ once per test run if it is missing or older than src/. */
export function ensureBuilt(): void {
  const cli = path.join(ROOT, 'dist', 'cli.js');
  if (fs.existsSync(cli) && !process.env.THRESHOLD_REBUILD && newestMtime(path.join(ROOT, 'src')) <= fs.statSync(cli).mtimeMs) return;
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Spawns `node dist/cli.js serve` with the given environment (PORT and DATA_DIR are filled in
 * when missing) and waits until it listens. `prefix` runs it inside a command, e.g.
 * `['ip', 'netns', 'exec', 'gw']`.
 */
export async function startServer(env: Record<string, string> = {}, opts: { prefix?: string[]; readyUrl?: string } = {}): Promise<ServerProcess> {
  ensureBuilt();
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const staffPort = env.STAFF_PORT ? Number(env.STAFF_PORT) : await freePort();
  const dataDir = env.DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-e2e-'));
  const fullEnv = { ...process.env, LOG_LEVEL: 'info', ...env, PORT: String(port), STAFF_PORT: String(staffPort), DATA_DIR: dataDir };
  const cmd = [...(opts.prefix ?? []), process.execPath, path.join(ROOT, 'dist', 'cli.js'), 'serve'];
  const child = spawn(cmd[0]!, cmd.slice(1), { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  await new Promise<void>((resolve, reject) => {
    // Generous: on a loaded machine a start (nft, SQLite, TLS) can take many seconds. A server
    // that does not come up is killed, so it cannot keep jest from exiting.
    const done = (err?: Error) => {
      clearTimeout(timer);
      child.stdout!.off('data', check);
      child.stderr!.off('data', check);
      child.off('exit', exited);
      if (!err) return resolve();
      child.kill('SIGKILL');
      reject(err);
    };
    // The staff console starts after the portal: wait for both.
    const check = () => {
      if (out.includes('portal listening') && out.includes('staff console listening')) done();
    };
    const exited = () => done(new Error(`server exited with ${child.exitCode ?? child.signalCode}:\n${out}`));
    const timer = setTimeout(() => done(new Error(`server did not start in ${START_TIMEOUT_MS / 1000} s:\n${out}`)), START_TIMEOUT_MS);
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', exited);
  });
  return {
    child,
    port,
    staffPort,
    dataDir,
    output: () => out,
    async stop(signal = 'SIGTERM') {
      // A process killed by a signal has no exit code, only a signal code.
      if (child.exitCode !== null || child.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill(signal);
      });
    },
  };
}
