// A redis-server of a test's own (not the shared test Redis), which the test may stop, restart
// and freeze: for outage tests. Append-only (a SIGTERM flushes it), so a restart keeps what was acked.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './ports';
import { connectTestRedis } from './redis';

export interface OwnRedis {
  url: string;
  /** Stops the server (SIGTERM) and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same port with the same data; resolves once it answers PING. */
  start(): Promise<void>;
  /** SIGSTOP: the server keeps its connections but answers nothing. */
  freeze(): void;
  /** SIGCONT after `freeze`. */
  thaw(): void;
  /** Stops it for good and removes its files. */
  destroy(): Promise<void>;
}

async function waitForPing(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with ${child.exitCode}`);
    try {
      const c = await connectTestRedis(url);
      await c.quit();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export async function startOwnRedis(): Promise<OwnRedis> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-own-redis-'));
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes',
      '--appendfsync', 'everysec', '--dir', dir, '--logfile', path.join(dir, 'redis.log')], { stdio: 'ignore' });
    await waitForPing(url, child);
  };
  const stop = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    if (c.signalCode === null) c.kill('SIGCONT');
    const exited = new Promise<void>((r) => c.once('exit', () => r()));
    c.kill('SIGTERM');
    await exited;
  };
  await launch();
  return {
    url,
    stop,
    start: launch,
    freeze: () => child?.kill('SIGSTOP'),
    thaw: () => child?.kill('SIGCONT'),
    async destroy() {
      child?.kill('SIGCONT');
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
