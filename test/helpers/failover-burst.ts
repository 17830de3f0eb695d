// A burst of logins through the real form to the real server process while the shared store's
// master is killed or failed over; counts the 5xx, the acknowledged sessions the store lost, and
// how long logins were hurt. Used by the failover e2e test and by bench/failover.js.
import fs from 'node:fs';
import { Cluster } from 'ioredis';
import { RedisStore } from '../../src/store/redis/store';
import { closeRedisClient } from '../../src/store/redis/connection';
import { shardTag } from '../../src/store/redis/keys';
import { connectTestRedis } from './redis';
import { sentinelsAcquainted, startCluster, startSentinel, type RedisHa } from './redis-ha';
import { askNode } from './redis-processes';
import { startServer, type ServerProcess } from './server-process';

const { acceptTerms, loopbackAddress } = require('../../bench/lib/patron-client') as {
  acceptTerms(port: number, address: string): Promise<{ status: number; location?: string; ms: number }>;
  loopbackAddress(net: number, i: number): string;
};

export const FAULTS = ['sentinel-failover', 'sentinel-kill', 'cluster-kill'] as const;
export type Fault = (typeof FAULTS)[number];

export interface FailoverFigures {
  fault: Fault;
  logins: number;
  /** Logins answered 303 → /status: sessions the patron was told they have. */
  acknowledged: number;
  serverErrors: number;
  /** Other failures: a splash page that did not load, a refusal, a network error. */
  otherErrors: number;
  /** Acknowledged sessions missing from the store once it settled. */
  lost: number;
  /** From the fault to the end of the last login that failed or took longer than a second. */
  recoveryMs: number;
  slowestMs: number;
  /** The first few error lines the server logged (what a 5xx was). */
  serverLog: string[];
}

const GATEWAY = 'gw-failover';
const SLOW_MS = 1000;

/** Runs one burst of `count` logins, `concurrency` at a time, with the fault after `faultAfter` of them. */
export async function runFailover(fault: Fault, opts: { count?: number; concurrency?: number; faultAfter?: number; net?: number } = {}): Promise<FailoverFigures> {
  const { count = 120, concurrency = 8, faultAfter = 30, net = 60 } = opts;
  // Failure detection inside the store's command timeout (5 s): see docs/multi-branch.md.
  const ha: RedisHa = fault === 'cluster-kill' ? await startCluster(1000) : await startSentinel();
  let server: ServerProcess | undefined;
  try {
    if ('sentinels' in ha) await sentinelsAcquainted(ha as Parameters<typeof sentinelsAcquainted>[0]);
    server = await startServer({ REDIS_URL: ha.url, GATEWAY_ID: GATEWAY, LOG_LEVEL: 'info' });
    const results: { status: number; ms: number; end: number }[] = [];
    let faultAt = 0;
    let next = 0;
    let done = 0;
    let faulting: Promise<void> | undefined;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const started = Date.now();
        let status: number;
        try {
          const r = await acceptTerms(server!.port, loopbackAddress(net, i));
          status = r.status === 303 && r.location === '/status' ? 303 : r.status;
        } catch (err) {
          status = Number(/status (\d+)/.exec((err as Error).message)?.[1] ?? 0);
        }
        results.push({ status, ms: Date.now() - started, end: Date.now() });
        if (++done === faultAfter) {
          faultAt = Date.now();
          faulting = injectFault(fault, ha);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await faulting;
    const acknowledged = results.filter((r) => r.status === 303).length;
    const hurt = results.filter((r) => r.end >= faultAt && (r.status !== 303 || r.ms > SLOW_MS));
    const lost = await lostSessions(ha.url, acknowledged);
    return {
      fault,
      logins: count,
      acknowledged,
      serverErrors: results.filter((r) => r.status >= 500).length,
      otherErrors: results.filter((r) => r.status !== 303 && r.status < 500).length,
      lost,
      recoveryMs: hurt.length ? Math.max(...hurt.map((r) => r.end)) - faultAt : 0,
      slowestMs: Math.max(...results.map((r) => r.ms)),
      serverLog: server.output().split('\n').filter((l) => /"level":(50|60)|"event":"sessions\.reassert_failed"/.test(l)).slice(0, 5),
    };
  } catch (err) {
    throw new Error(`${fault}: ${(err as Error).message}\n${server?.output().split('\n').slice(-30).join('\n') ?? ''}`, { cause: err });
  } finally {
    await server?.stop();
    if (server) fs.rmSync(server.dataDir, { recursive: true, force: true });
    await ha.stop();
  }
}

async function injectFault(fault: Fault, ha: RedisHa): Promise<void> {
  if (fault === 'cluster-kill') {
    // A master of this gateway's shard slots (shard 0's): the loss of one hurts its logins.
    const admin = (await connectTestRedis(ha.url)) as Cluster;
    const slot = Number(await admin.cluster('KEYSLOT', shardTag(0)));
    const port = Number(String(admin.slots[slot]?.[0]).split(':')[1]);
    await closeRedisClient(admin);
    ha.procs.find((p) => p.port === port)!.child.kill('SIGKILL');
    return;
  }
  const sentinel = ha as RedisHa & { sentinels: { port: number }[]; masterName: string; masterPort(): Promise<number> };
  if (fault === 'sentinel-failover') {
    await askNode(sentinel.sentinels[0]!.port, 'SENTINEL', 'FAILOVER', sentinel.masterName);
    return;
  }
  const port = await sentinel.masterPort();
  ha.procs.find((p) => p.port === port)!.child.kill('SIGKILL');
}

/** How many acknowledged sessions the store does not have, once the gateway had time to re-assert them. */
async function lostSessions(url: string, acknowledged: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  const store = await openStore(url, deadline);
  try {
    let stored = 0;
    do {
      stored = await store.listSessions(GATEWAY).then((l) => l.length, () => stored);
      if (stored >= acknowledged) break;
      await new Promise((r) => setTimeout(r, 250));
    } while (Date.now() < deadline);
    return Math.max(0, acknowledged - stored);
  } finally {
    await store.close();
  }
}

/**
 * A store client once the store takes one. The gateway admits patrons on its own while the store
 * is away, so the burst can end before Sentinel has promoted a replica: until then, there is no
 * master to connect to.
 */
async function openStore(url: string, deadline: number): Promise<RedisStore> {
  for (;;) {
    const store = new RedisStore({ url });
    try {
      await store.init();
      return store;
    } catch (err) {
      await store.close().catch(() => undefined);
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
