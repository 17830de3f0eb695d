// Turns a Redis URL (redis://, rediss://, redis-sentinel://, redis-cluster://) into an ioredis client.
// Also: SCAN across every master, which is the one thing that differs between Redis and Cluster.
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { redactUrlPasswords } from '../../config/secrets';

export type RedisClient = Redis | Cluster;

/** The most a lost connection waits before it tries again. */
export const RECONNECT_MOST_MS = 1000;

/**
 * The wait before reconnect attempt `times` (1, 2, …): growing, capped, and never null, since a
 * retry strategy that gives up (null) makes ioredis end the client for good ('end').
 */
export function reconnectDelay(times: number): number {
  return Number.isFinite(times) && times > 0 ? Math.min(Math.ceil(times) * 100, RECONNECT_MOST_MS) : 100;
}

/**
 * How a Cluster client rides out a failover or a reshard: it retries a command on a closed
 * node, CLUSTERDOWN or TRYAGAIN after these delays, refreshing the slot map, at most
 * `maxRedirections` times (so about 12 s at the most, then the command fails; a node that
 * does not answer fails it after the command timeout instead). With every node gone the client
 * keeps trying to reconnect (`reconnectDelay`): it never ends by itself.
 */
export const CLUSTER_HA_OPTIONS: Readonly<ClusterOptions> = Object.freeze({
  retryDelayOnFailover: 300,
  retryDelayOnClusterDown: 300,
  retryDelayOnTryAgain: 100,
  // A MOVED seen during a failover can bounce between nodes until the slot map settles.
  retryDelayOnMoved: 50,
  maxRedirections: 40,
  slotsRefreshTimeout: 1000,
  clusterRetryStrategy: reconnectDelay,
});

interface HostPort {
  host: string;
  port: number;
}

/** What a multi-host URL says: `scheme://[user:pass@]host:port,host:port[/name]`. */
interface MultiHostUrl {
  username?: string;
  password?: string;
  hosts: HostPort[];
  path: string;
}

const MULTI_HOST = /^(redis-sentinel|redis-cluster):\/\/(?:([^@/]*)@)?([^/?#]+)(?:\/([^?#]*))?$/;

function parseMultiHost(url: string, defaultPort: number): MultiHostUrl {
  const m = MULTI_HOST.exec(url);
  if (!m) throw new Error(`Redis URL is not of the form scheme://host:port,host:port/...: ${redactRedisUrl(url)}`);
  const [, , userinfo, hostList = '', path = ''] = m;
  const hosts = hostList.split(',').map((h) => parseHostPort(h.trim(), defaultPort, url));
  const out: MultiHostUrl = { hosts, path: decodeURIComponent(path) };
  if (userinfo !== undefined) {
    const colon = userinfo.indexOf(':');
    const user = decodeURIComponent(colon < 0 ? userinfo : userinfo.slice(0, colon));
    if (user) out.username = user;
    if (colon >= 0) out.password = decodeURIComponent(userinfo.slice(colon + 1));
  }
  return out;
}

function parseHostPort(s: string, defaultPort: number, url: string): HostPort {
  const m = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(s);
  const host = m?.[1] ?? m?.[2];
  const port = m?.[3] === undefined ? defaultPort : Number(m[3]);
  if (!host || port < 1 || port > 65535) throw new Error(`bad host "${s}" in Redis URL ${redactRedisUrl(url)}`);
  return { host, port };
}

/** The URL with any password replaced by `***`, for messages and logs. */
export function redactRedisUrl(url: string): string {
  return redactUrlPasswords(url);
}

/**
 * Creates a client that has not connected yet (`lazyConnect`): the caller connects it.
 * `options` apply to every connection (for Cluster, to each node).
 */
export function createRedisClient(url: string, options: RedisOptions): RedisClient {
  const lazy: RedisOptions = { ...options, lazyConnect: true };
  if (/^rediss?:\/\//.test(url)) return new Redis(url, lazy);

  if (url.startsWith('redis-sentinel://')) {
    const u = parseMultiHost(url, 26379);
    const name = u.path.split('/')[0];
    if (!name) throw new Error(`Redis Sentinel URL needs the master's name: redis-sentinel://host:port,host:port/mymaster`);
    return new Redis({
      ...lazy,
      sentinels: u.hosts,
      name,
      // Sentinel tells the client of a new master at once (+switch-master), so it stops
      // writing to a demoted one (whose writes would be dropped when it rejoins as a replica).
      failoverDetector: true,
      // A replica answering READONLY means a failover happened: reconnect to the new master.
      reconnectOnError: (err) => (err.message.startsWith('READONLY') ? 2 : false),
      ...(u.username !== undefined && { username: u.username }),
      ...(u.password !== undefined && { password: u.password }),
    });
  }

  if (url.startsWith('redis-cluster://')) {
    const u = parseMultiHost(url, 6379);
    // The offline-queue choice is the cluster's; nodes keep theirs so slot discovery works.
    const { enableOfflineQueue, lazyConnect: _lazy, ...nodeOptions } = lazy;
    return new Cluster(u.hosts, {
      ...CLUSTER_HA_OPTIONS,
      lazyConnect: true,
      ...(enableOfflineQueue !== undefined && { enableOfflineQueue }),
      redisOptions: {
        ...nodeOptions,
        ...(u.username !== undefined && { username: u.username }),
        ...(u.password !== undefined && { password: u.password }),
      },
    });
  }

  throw new Error(
    `Redis URL must start with redis://, rediss://, redis-sentinel:// or redis-cluster://: ${redactRedisUrl(url)}`,
  );
}

/**
 * Closes a client so that nothing of it keeps the process alive: QUIT (pending replies are
 * read) when it is connected, then disconnect, which also closes what QUIT leaves open (the
 * Sentinel failover detector's subscriptions, whose 60 s reconnect timer would keep a CLI
 * command from exiting).
 */
export async function closeRedisClient(client: RedisClient): Promise<void> {
  if (client.status === 'ready') await client.quit().catch(() => undefined);
  client.disconnect();
}

/**
 * Sends one raw command (rate-limit-redis's form). On Cluster, SCRIPT LOAD goes to every master,
 * so the EVALSHA that follows finds its script whichever master holds the key; everything else
 * is routed by its key as usual.
 */
export async function sendRoutedCommand(client: RedisClient, command: string[]): Promise<unknown> {
  const [name = '', ...args] = command;
  if (client instanceof Cluster && name.toUpperCase() === 'SCRIPT' && args[0]?.toUpperCase() === 'LOAD') {
    const shas = await Promise.all(client.nodes('master').map((node) => node.call(name, ...args)));
    if (shas.length === 0) throw new Error('Redis Cluster has no master to load the script on');
    return shas[0];
  }
  return client.call(name, ...args);
}

/** Every key matching a SCAN pattern, from every master when clustered. */
export async function scanKeys(client: RedisClient, pattern: string): Promise<string[]> {
  const nodes = client instanceof Cluster ? client.nodes('master') : [client];
  const keys: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, batch] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
  }
  return keys;
}
