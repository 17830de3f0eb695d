// Jest global teardown: stops the Redis processes the global setup started (if it started any).
import './global-setup';

export default async function globalTeardown(): Promise<void> {
  const servers = globalThis.__thresholdTestRedis;
  globalThis.__thresholdTestRedis = undefined;
  if (!servers) {
    // Setup ran elsewhere: stop only the servers it recorded.
    for (const pid of (process.env.TEST_REDIS_PIDS ?? '').split(',').map(Number)) if (pid > 0) killQuietly(pid);
    return;
  }
  await Promise.all(servers.stops.map((s) => s()));
  delete process.env.TEST_REDIS_PIDS;
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}
