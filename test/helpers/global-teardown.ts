// Jest global teardown: stops the redis-server the global setup started (if it started one).
import fs from 'node:fs';
import './global-setup';

const STOP_TIMEOUT_MS = 5000;

export default async function globalTeardown(): Promise<void> {
  const server = globalThis.__thresholdTestRedis;
  globalThis.__thresholdTestRedis = undefined;
  if (!server) {
    // Setup ran elsewhere (or REDIS_URL was given): stop only a server we recorded.
    const pid = Number(process.env.TEST_REDIS_PID);
    if (pid > 0) killQuietly(pid, 'SIGTERM');
    return;
  }
  const { child, dir } = server;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
  delete process.env.TEST_REDIS_PID;
  fs.rmSync(dir, { recursive: true, force: true });
}

function killQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
