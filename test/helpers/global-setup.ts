// Jest global setup: a private redis-server on a free port (or REDIS_URL), a real 6-node Redis
// Cluster and a real Sentinel set-up, started in parallel and published to the test workers as
// TEST_REDIS_URL, TEST_REDIS_CLUSTER_URL and TEST_REDIS_SENTINEL_URL. The teardown stops them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectTestRedis } from './redis';
import { startCluster, startSentinel } from './redis-ha';
import { REDIS_MISSING, redisBinary, spawnRedis, stopProcess, tail, waitForPong, freePorts, type RedisProcess } from './redis-processes';

export { REDIS_MISSING };

/** What the teardown needs; setup and teardown run in the same process. */
export interface TestRedisServers {
  stops: (() => Promise<void>)[];
}

declare global {
  var __thresholdTestRedis: TestRedisServers | undefined;
}

export default async function globalSetup(): Promise<void> {
  redisBinary();
  const stops: (() => Promise<void>)[] = [];
  globalThis.__thresholdTestRedis = { stops };
  const pids: number[] = [];
  const [standalone, cluster, sentinel] = await Promise.allSettled([
    process.env.REDIS_URL ? checkGiven(process.env.REDIS_URL) : startStandalone(),
    startCluster(),
    startSentinel(),
  ]);
  for (const r of [standalone, cluster, sentinel]) {
    if (r.status === 'fulfilled' && r.value) {
      stops.push(r.value.stop);
      pids.push(...r.value.procs.map((p) => p.child.pid ?? 0));
    }
  }
  const failed = [standalone, cluster, sentinel].find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(stops.map((s) => s()));
    throw (failed as PromiseRejectedResult).reason;
  }
  if (standalone.status === 'fulfilled' && standalone.value) process.env.TEST_REDIS_URL = standalone.value.url;
  if (cluster.status === 'fulfilled') process.env.TEST_REDIS_CLUSTER_URL = cluster.value.url;
  if (sentinel.status === 'fulfilled') process.env.TEST_REDIS_SENTINEL_URL = sentinel.value.url;
  process.env.TEST_REDIS_PIDS = pids.filter((p) => p > 0).join(',');
}

async function checkGiven(url: string): Promise<undefined> {
  const client = await connectTestRedis(url);
  await client.quit();
  process.env.TEST_REDIS_URL = url;
  return undefined;
}

async function startStandalone(): Promise<{ url: string; procs: RedisProcess[]; stop: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-redis-'));
  let lastError: unknown;
  // A free port can be taken between the probe and the bind: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const [port] = await freePorts(1);
    const proc = spawnRedis(dir, port!, []);
    try {
      await waitForPong([proc]);
      return {
        url: `redis://127.0.0.1:${port}`,
        procs: [proc],
        stop: async () => {
          await stopProcess(proc);
          fs.rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch (err) {
      lastError = err;
      proc.child.kill('SIGKILL');
      if (attempt === 2) lastError = new Error(`${String(err)}\n${tail(proc.log)}`);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  throw new Error(`could not start redis-server: ${String(lastError)}`);
}
