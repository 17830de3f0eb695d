// A real 6-node Redis Cluster (3 masters, 3 replicas) and a real Sentinel set-up (a master, a
// replica, 3 sentinels) on free loopback ports, for the contract suites and the failover tests.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  askNode, freePorts, onFreshPorts, redisBinary, spawnRedis, stopProcess, waitFor, waitForPong, type RedisProcess,
} from './redis-processes';

const run = promisify(execFile);

/** What the tests need of a running set-up: its URL, its processes, and how to stop it. */
export interface RedisHa {
  url: string;
  dir: string;
  /** Every process, in start order (for the cluster: the nodes; for Sentinel: master, replica, sentinels). */
  procs: RedisProcess[];
  stop(): Promise<void>;
}

export interface RedisClusterHa extends RedisHa {
  /** The ports of the nodes that are masters now. */
  masters(): Promise<number[]>;
  /** Stops every node (`procs` keeps their last processes). */
  stopNodes(): Promise<void>;
  /** Starts stopped nodes again on their ports, with their nodes.conf; resolves once the cluster is ok. */
  startNodes(): Promise<void>;
}

export interface RedisSentinelHa extends RedisHa {
  masterName: string;
  sentinels: RedisProcess[];
  /** The port the sentinels give for the master now. */
  masterPort(): Promise<number>;
}

function tempDir(kind: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `threshold-${kind}-`));
}

function stopper(procs: RedisProcess[], dir: string): () => Promise<void> {
  return async () => {
    await Promise.all(procs.map(stopProcess));
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

/**
 * Starts 6 cluster nodes, joins them with `redis-cli --cluster create` (1 replica per master),
 * and resolves once every node says cluster_state:ok and every replica is in sync.
 */
export function startCluster(nodeTimeoutMs = 2000): Promise<RedisClusterHa> {
  return onFreshPorts(() => startClusterOnce(nodeTimeoutMs));
}

async function startClusterOnce(nodeTimeoutMs: number): Promise<RedisClusterHa> {
  const dir = tempDir('cluster');
  const ports = await freePorts(12);
  const spawnNode = (port: number, i: number) => spawnRedis(dir, port, [
    '--cluster-enabled', 'yes', '--cluster-config-file', `nodes-${port}.conf`, '--cluster-port', String(ports[6 + i]),
    '--cluster-node-timeout', String(nodeTimeoutMs), '--cluster-require-full-coverage', 'no',
  ]);
  const procs = ports.slice(0, 6).map(spawnNode);
  const stop = stopper(procs, dir);
  const settled = async () => {
    await waitFor('cluster_state:ok on every node', async () => {
      const infos = await Promise.all(procs.map((p) => askNode(p.port, 'CLUSTER', 'INFO')));
      return infos.every((i) => typeof i === 'string' && i.includes('cluster_state:ok') && i.includes('cluster_known_nodes:6'));
    }, procs);
    await waitFor('every replica in sync', async () => {
      const infos = await Promise.all(procs.map((p) => askNode(p.port, 'INFO', 'replication')));
      const replicas = infos.filter((i) => typeof i === 'string' && i.includes('role:slave'));
      return replicas.length === 3 && replicas.every((i) => (i as string).includes('master_link_status:up'));
    }, procs);
  };
  try {
    await waitForPong(procs);
    await run(redisBinary('redis-cli'), ['--cluster', 'create', ...procs.map((p) => `127.0.0.1:${p.port}`), '--cluster-replicas', '1', '--cluster-yes']);
    await settled();
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `redis-cluster://${procs.map((p) => `127.0.0.1:${p.port}`).join(',')}`,
    dir,
    procs,
    stop,
    async masters() {
      const roles = await Promise.all(procs.map(async (p) => ((await askNode(p.port, 'ROLE')) as unknown[] | undefined)?.[0]));
      return procs.filter((_, i) => roles[i] === 'master').map((p) => p.port);
    },
    async stopNodes() {
      await Promise.all(procs.map(stopProcess));
    },
    async startNodes() {
      // In place: `stop` and the waits see the new processes.
      procs.forEach((p, i) => {
        if (p.child.exitCode !== null || p.child.signalCode !== null) procs[i] = spawnNode(p.port, i);
      });
      await waitForPong(procs);
      await settled();
    },
  };
}

/**
 * Starts a master, a replica of it, and 3 sentinels watching it (quorum 2, down after 1 s);
 * resolves once every sentinel sees the replica.
 */
export function startSentinel(masterName = 'mymaster', downAfterMs = 1000): Promise<RedisSentinelHa> {
  return onFreshPorts(() => startSentinelOnce(masterName, downAfterMs));
}

async function startSentinelOnce(masterName: string, downAfterMs: number): Promise<RedisSentinelHa> {
  const dir = tempDir('sentinel');
  const [mPort, rPort, ...sPorts] = await freePorts(5);
  const master = spawnRedis(dir, mPort!, []);
  const replica = spawnRedis(dir, rPort!, ['--replicaof', '127.0.0.1', String(mPort)]);
  const sentinels: RedisProcess[] = [];
  const procs = [master, replica];
  const stop = stopper(procs, dir);
  try {
    await waitForPong(procs);
    await waitFor('the replica in sync', async () => String(await askNode(rPort!, 'INFO', 'replication')).includes('master_link_status:up'), procs);
    for (const port of sPorts) {
      const conf = path.join(dir, `sentinel-${port}.conf`);
      fs.writeFileSync(conf, [
        `sentinel monitor ${masterName} 127.0.0.1 ${mPort} 2`,
        `sentinel down-after-milliseconds ${masterName} ${downAfterMs}`,
        `sentinel failover-timeout ${masterName} 10000`,
        `sentinel parallel-syncs ${masterName} 1`,
        '',
      ].join('\n'));
      const s = spawnRedis(dir, port, [], [conf, '--sentinel']);
      sentinels.push(s);
      procs.push(s);
    }
    await waitForPong(sentinels);
    await waitFor('every sentinel to see the replica', async () => {
      const seen = await Promise.all(sentinels.map((s) => askNode(s.port, 'SENTINEL', 'REPLICAS', masterName)));
      return seen.every((r) => Array.isArray(r) && r.length === 1);
    }, procs);
  } catch (err) {
    await stop();
    throw err;
  }
  return {
    url: `redis-sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/${masterName}`,
    dir,
    procs,
    sentinels,
    masterName,
    stop,
    async masterPort() {
      for (const s of sentinels) {
        const addr = await askNode(s.port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName);
        if (Array.isArray(addr)) return Number(addr[1]);
      }
      throw new Error('no sentinel answers');
    },
  };
}

/** Resolves once every sentinel knows the other two (needed before a failover can be agreed). */
export function sentinelsAcquainted(ha: RedisSentinelHa): Promise<void> {
  return waitFor('the sentinels to find each other', async () => {
    const known = await Promise.all(ha.sentinels.map((s) => askNode(s.port, 'SENTINEL', 'SENTINELS', ha.masterName)));
    return known.every((k) => Array.isArray(k) && k.length === ha.sentinels.length - 1);
  }, ha.procs, 30_000);
}
