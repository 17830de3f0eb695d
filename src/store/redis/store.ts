// The Redis store, for library systems where many gateways share one console and one set of policies.
import { policySchema, type Policy } from '../../config/schema';
import { systemClock, type Clock } from '../../domain/clock';
import * as K from './keys';
import { closeRedisClient, createRedisClient, redactRedisUrl, scanKeys, type RedisClient } from './connection';
import type { Abandonable, GrantCharge, GrantCheck, GrantConflict, HourlyStats, LibrarySettingName, ScanOptions, SealedChange, SessionPage, SessionRecord, StatCounter, Store, UsageChange } from '../types';
import { ADD_USAGE, GET_USAGE, runScript } from './scripts';
import { migrateLayout } from './layout';
import { sendNow } from './send-now';
import { finite } from '../finite';
import { RedisSessions } from './sessions';
import { RedisStats } from './stats';
import { retryTransient } from './transient';
import { RedisSessionScan } from './session-scan';
import { RedisStaffStore } from './staff';
import { RedisWorkstations } from './workstations';
import { RedisQueue } from './queue';
import { LateSends } from './late-sends';

/** How long `ping` waits before it reports Redis as down. */
export const PING_TIMEOUT_MS = 2000;
const CONNECT_TIMEOUT_MS = 5000;
/** How soon a client that stopped reconnecting by itself is connected again. */
const REVIVE_MS = 200;
/** The longest a store command may take, waiting for a reconnect included (default of `commandTimeoutMs`). */
export const COMMAND_TIMEOUT_MS = 5000;
/** Sessions read, and usage keys unlinked, per round trip when a day is purged. */
const PURGE_PAGE = 500;

/**
 * Keeps everything in Redis, expired by TTLs. Every key is built in `keys.ts`; keys that
 * change together share a hash tag, so Redis Cluster works too (Redis 7 or later is required).
 * A command waits through a failover or reconnect, but fails after `commandTimeoutMs` at most
 * (config `storeCommandTimeoutMs`, default COMMAND_TIMEOUT_MS).
 */
export class RedisStore implements Store {
  readonly kind = 'redis';
  private readonly client: RedisClient;
  private readonly prefix: string;
  private readonly where: string;
  private readonly clock: Clock;
  private lastError: Error | undefined;
  private disconnected = false;
  private wasReady = false;
  private readonly reconnectListeners: (() => void)[] = [];
  // Public workstations.
  readonly workstations: RedisWorkstations;
  // Kiosk zones' waiting lists.
  readonly queue: RedisQueue;

  /**
   * `clock` is what TTLs and index scores count from (default: the system clock);
   * `commandTimeoutMs` is the longest one command may wait, reconnects included (default COMMAND_TIMEOUT_MS).
   */
  constructor(opts: { url: string; prefix?: string; clock?: Clock; commandTimeoutMs?: number }) {
    this.clock = opts.clock ?? systemClock;
    this.prefix = K.checkPrefix(opts.prefix ?? K.DEFAULT_PREFIX);
    this.where = redactRedisUrl(opts.url);
    this.client = createRedisClient(opts.url, {
      // A command waits for a reconnect (a Sentinel failover, a restart) but never longer than
      // commandTimeoutMs in all, queue included: a frozen or lost store fails it in bounded time.
      // On Cluster the offline queue is the cluster's (off), and CLUSTER_HA_OPTIONS bound the retries.
      maxRetriesPerRequest: 20,
      enableOfflineQueue: !opts.url.startsWith('redis-cluster://'),
      connectTimeout: 2000,
      commandTimeout: opts.commandTimeoutMs ?? COMMAND_TIMEOUT_MS,
      // ioredis waits this long for a socket that is already gone to close when disconnecting.
      disconnectTimeout: 200,
      // No auto-pipelining: each command is written when it is called. An ioredis pipeline (auto-
      // pipelining makes one per turn of the loop) keeps its commands, arguments and replies from
      // being collected young: at 100,000 sessions a run of the key rotation promoted 380-410 MB
      // (two full collections), 4 s of the sweep 50-200 MB; without, 40-90 MB and 7-13 MB, and
      // no full collection (docs/benchmarks.md). A patron's round trip of several commands is one
      // explicit pipeline (send-now.ts). On Cluster it was off already: there a shared pipeline
      // that mixes a refused command (TRYAGAIN, ASK or MOVED while a slot moves) with ones that
      // ran is not redirected.
      enableAutoPipelining: false,
      retryStrategy: (times) => Math.min(times * 100, 1000),
    });
    // A command given up on is never sent later (ioredis would send it on reconnect).
    this.lateSends.install(this.client);
    // Without a listener ioredis prints every reconnect error; keep the last one for `ping`.
    this.client.on('error', (err: Error) => {
      this.lastError = err;
    });
    this.client.on('ready', () => {
      this.lastError = undefined;
      if (this.wasReady) this.emitReconnect();
      this.wasReady = true;
    });
    // ioredis stops for good ('end': every command fails "Connection is closed" from then on)
    // when its connector is closed while it connects: on Sentinel, the failover detector of the
    // lost connection does that when +switch-master arrives while the client reconnects (a
    // resolve from a sentinel under way). Seen in the kill -9 burst on a loaded machine: the
    // gateway kept every later grant to itself and never wrote one. Not closed here: connect again.
    this.client.on('end', () => this.revive());
    // A Cluster client stays ready through a failover; its node list changes instead.
    this.client.on('-node', () => this.emitReconnect());
    this.staff = new RedisStaffStore(this.client, this.prefix, this.clock);
    this.workstations = new RedisWorkstations(this.client, this.prefix, this.clock);
    this.queue = new RedisQueue(this.client, this.prefix, this.clock);
    this.scan = new RedisSessionScan(this.client, this.prefix, () => this.clock.now());
    this.sessions = new RedisSessions(this.client, this.prefix, this.clock);
    this.stats = new RedisStats(this.client, this.prefix, this.clock);
  }

  /** Hourly counters per zone. */
  private readonly stats: RedisStats;

  /** Patron sessions: grants, lookups, changes. */
  private readonly sessions: RedisSessions;

  /** Paging through the sessions and counting them per zone, from the indexes. */
  private readonly scan: RedisSessionScan;

  /** Staff console records, on the same client and prefix. */
  readonly staff: RedisStaffStore;

  async init(): Promise<void> {
    await this.connect();
    if (this.layoutChecked) return;
    try {
      await migrateLayout(this.client, this.prefix, this.clock, (s) => this.putSession(s));
      this.layoutChecked = true;
    } catch (err) {
      throw new Error(`Redis at ${this.where}: moving sessions to the sharded key layout failed: ${reason(err, this.lastError)}`, { cause: err });
    }
  }

  /** Whether the key layout has been checked (and moved if it was the old one) since start. */
  private layoutChecked = false;

  private async connect(): Promise<void> {
    const c = this.client;
    if (c.status === 'ready') return;
    const stopped = this.disconnected;
    this.disconnected = false;
    // Already on its way (reconnecting by itself): wait for it. Otherwise connect now.
    const underway = !stopped && ['connecting', 'connect', 'reconnecting'].includes(c.status);
    const ready = underway ? new Promise<void>((resolve) => c.once('ready', () => resolve())) : c.connect();
    try {
      await withTimeout(ready, CONNECT_TIMEOUT_MS, `not ready within ${CONNECT_TIMEOUT_MS} ms`);
    } catch (err) {
      this.disconnect();
      throw new Error(`Redis at ${this.where} is unreachable: ${reason(err, this.lastError)}`, { cause: err });
    }
  }

  async close(): Promise<void> {
    if (this.disconnected) return;
    this.disconnected = true;
    await closeRedisClient(this.client);
  }

  private reviving: NodeJS.Timeout | undefined;

  /** Connects again a client that ended without `close` or `disconnect` (see the 'end' listener). */
  private revive(): void {
    if (this.disconnected || this.reviving) return;
    this.reviving = setTimeout(() => {
      this.reviving = undefined;
      if (this.disconnected || this.client.status !== 'end') return;
      // A failure ends it again, and that 'end' comes back here.
      this.client.connect().catch(() => undefined);
    }, REVIVE_MS);
    this.reviving.unref();
  }

  /** Stops the client and its reconnecting, once. */
  private disconnect(): void {
    if (this.disconnected) return;
    this.disconnected = true;
    this.client.disconnect();
  }

  async ping(): Promise<void> {
    try {
      if (this.client.status !== 'ready') throw new Error(`not connected (${this.client.status})`);
      await withTimeout(this.client.ping(), PING_TIMEOUT_MS, `no answer within ${PING_TIMEOUT_MS} ms`);
    } catch (err) {
      throw new Error(`Redis at ${this.where} does not answer PING: ${reason(err, this.lastError)}`, { cause: err });
    }
  }

  /** What ioredis would send after its caller gave up: never sent (see late-sends.ts). */
  private readonly lateSends = new LateSends();

  abandonable<T>(fn: () => Promise<T>): Abandonable<T> {
    return this.lateSends.run(fn);
  }

  /** How many commands were not sent because their caller had given up (or their connection was lost unanswered). */
  get unsentDropped(): number {
    return this.lateSends.dropped;
  }

  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  private emitReconnect(): void {
    if (this.disconnected) return;
    for (const l of this.reconnectListeners) l();
  }

  async checkWritable(gatewayId: string): Promise<void> {
    try {
      if (this.client.status !== 'ready') throw new Error(`not connected (${this.client.status})`);
      await withTimeout(this.sessions.probe(gatewayId), PING_TIMEOUT_MS, `no answer within ${PING_TIMEOUT_MS} ms`);
    } catch (err) {
      throw new Error(`Redis at ${this.where} does not take this gateway's writes: ${reason(err, this.lastError)}`, { cause: err });
    }
  }

  putSession(s: SessionRecord): Promise<void> {
    return this.sessions.put(s);
  }

  grantSession(s: SessionRecord, charge: GrantCharge, check?: GrantCheck): Promise<boolean | GrantConflict> {
    return this.sessions.grant(s, charge, check);
  }

  codeFits(code: string, pseudonym: string): boolean {
    return K.codeFits(code, pseudonym);
  }

  getSession(id: string): Promise<SessionRecord | undefined> {
    return this.sessions.get(id);
  }

  findSessionByCode(code: string): Promise<SessionRecord | undefined> {
    return this.sessions.findByCode(code);
  }

  async listSessions(gatewayId?: string): Promise<SessionRecord[]> {
    const p = this.prefix;
    const now = this.clock.now();
    const gateways = gatewayId !== undefined ? [gatewayId] : await this.scan.liveGateways(now);
    const places = gateways.flatMap((gw) => K.ALL_SHARDS.map((shard) => ({ gw, shard })));
    const stubs = await Promise.all(
      places.map(async ({ gw, shard }) => {
        const ids = await retryTransient(() => this.client.zrangebyscore(K.gatewaySessionsKey(p, shard, gw), `(${now}`, '+inf'));
        return ids.map((id) => ({ id, shard }));
      }),
    );
    const records = await this.scan.read(stubs.flat());
    return records.sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  scanSessions(gatewayId: string | undefined, cursor: string | undefined, limit: number, opts?: ScanOptions): Promise<SessionPage> {
    return this.scan.scan(gatewayId, cursor, limit, opts);
  }

  countSessionsByZone(zoneIds: readonly string[]): Promise<Record<string, number>> {
    return this.scan.countByZone(zoneIds);
  }

  deleteSession(id: string): Promise<boolean> {
    return this.sessions.delete(id);
  }

  setSessionEnd(id: string, expectedEndsAt: number, endsAt: number, usage?: UsageChange): Promise<SessionRecord | undefined> {
    return this.sessions.setEnd(id, expectedEndsAt, endsAt, usage);
  }

  takeSession(id: string, expectedEndsAt: number, usage?: UsageChange): Promise<SessionRecord | undefined> {
    return this.sessions.take(id, expectedEndsAt, usage);
  }

  async addUsage(day: string, pseudonym: string, deltaSeconds: number, expiresAt: number): Promise<number> {
    finite(deltaSeconds, 'deltaSeconds');
    const key = K.usageKey(this.prefix, day, pseudonym);
    const ttl = K.ttlMs(expiresAt, this.clock.now());
    return Number(await runScript(this.client, ADD_USAGE, [key], [deltaSeconds, ttl]));
  }

  async getUsage(day: string, pseudonym: string): Promise<number> {
    // The splash page waits for it: written at once (send-now.ts).
    const [total] = await sendNow(this.client, [{ script: GET_USAGE, keys: [K.usageKey(this.prefix, day, pseudonym)], args: [] }]);
    return Number(total);
  }

  async getPolicy(zoneId: string): Promise<Policy | undefined> {
    const raw = await this.client.get(K.policyKey(this.prefix, zoneId));
    return raw === null ? undefined : policySchema.parse(JSON.parse(raw));
  }

  async setPolicy(zoneId: string, policy: Policy): Promise<void> {
    await this.client.set(K.policyKey(this.prefix, zoneId), JSON.stringify(policy));
  }

  async getLibrarySetting(name: LibrarySettingName): Promise<string | undefined> {
    return (await this.client.get(K.librarySettingKey(this.prefix, name))) ?? undefined;
  }

  async setLibrarySetting(name: LibrarySettingName, value: string | undefined): Promise<void> {
    if (value === undefined) await this.client.del(K.librarySettingKey(this.prefix, name));
    else await this.client.set(K.librarySettingKey(this.prefix, name), value);
  }

  bumpStats(zoneId: string, hour: number, counts: Partial<Record<StatCounter, number>>, expiresAt: number, opId?: string): Promise<void> {
    return this.stats.bump(zoneId, hour, counts, expiresAt, opId);
  }

  raisePeak(zoneId: string, hour: number, value: number, expiresAt: number): Promise<void> {
    return this.stats.raisePeak(zoneId, hour, value, expiresAt);
  }

  readStats(from: number, to: number, zoneId?: string): Promise<HourlyStats[]> {
    return this.stats.read(from, to, zoneId);
  }

  /** TTLs expire the records; this only drops ids of expired sessions and rows from the indexes. */
  async sweep(now: number): Promise<void> {
    const p = this.prefix;
    const gateways = await this.client.zrange(K.gatewaysKey(p), '0', '-1');
    await Promise.all(gateways.map((gw) => this.scan.sweepGateway(gw, now)));
    await this.client.zremrangebyscore(K.gatewaysKey(p), '-inf', now);
    await this.stats.sweepIndex();
    await this.workstations.sweep(now);
  }

  replaceSealedAddress(s: Pick<SessionRecord, 'id' | 'pseudonym' | 'sealedAddress'>, next: string): Promise<boolean> {
    return this.sessions.replaceSealed(s, next);
  }

  replaceSealedAddresses(changes: readonly SealedChange[]): Promise<boolean[]> {
    return this.sessions.replaceSealedMany(changes);
  }

  async purgeDay(day: string, gatewayId?: string): Promise<void> {
    // A page at a time, so a day of 100,000 sessions is never held in memory at once.
    let cursor: string | undefined;
    do {
      const page = await this.scanSessions(gatewayId, cursor, PURGE_PAGE);
      await Promise.all(page.sessions.filter((s) => s.day === day).map((s) => this.deleteSession(s.id)));
      cursor = page.next;
    } while (cursor);
    const keys = await scanKeys(this.client, K.usageDayPattern(this.prefix, day));
    // One command per key (usage keys sit in different slots), a batch at a time.
    for (let i = 0; i < keys.length; i += PURGE_PAGE) await Promise.all(keys.slice(i, i + PURGE_PAGE).map((k) => this.client.unlink(k)));
  }
}

function reason(err: unknown, last: Error | undefined): string {
  const msg = err instanceof Error ? err.message : String(err);
  return last && !msg.includes(last.message) ? `${msg} (last connection error: ${last.message})` : msg;
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
