// The Redis store, for library systems where many gateways share one console and one set of policies.
import { policySchema, type Policy } from '../../config/schema';
import { systemClock, type Clock } from '../../domain/clock';
import * as K from './keys';
import type { RedisOptions } from 'ioredis';
import type { Logger } from '../../logger';
import { createRedisClient, reconnectDelay, redactRedisUrl, scanKeys, type RedisClient } from './connection';
import { ClientKeeper, reason, withTimeout } from './client-keeper';
import type { Abandonable, GrantCharge, GrantCheck, GrantConflict, HourlyStats, LibrarySettingName, ScanOptions, SealedChange, SessionPage, SessionRecord, StatCounter, Store, SweepOptions, UsageChange } from '../types';
import { trimExpired } from './expired-trim';
import { ADD_USAGE, GET_USAGE, runScript } from './scripts';
import { migrateLayout } from './layout';
import { sendNow } from './send-now';
import { finite } from '../finite';
import { forEachPage } from '../../jobs/chunks';
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
  private readonly keeper: ClientKeeper;
  private readonly prefix: string;
  private readonly where: string;
  private readonly clock: Clock;
  // Public workstations.
  readonly workstations: RedisWorkstations;
  // Kiosk zones' waiting lists.
  readonly queue: RedisQueue;

  /**
   * `clock` is what TTLs and index scores count from (default: the system clock); `logger`
   * hears when the client ends by itself and when its replacement is connected;
   * `commandTimeoutMs` is the longest one command may wait, reconnects included (default COMMAND_TIMEOUT_MS).
   */
  constructor(opts: { url: string; prefix?: string; clock?: Clock; logger?: Logger; commandTimeoutMs?: number }) {
    this.clock = opts.clock ?? systemClock;
    this.prefix = K.checkPrefix(opts.prefix ?? K.DEFAULT_PREFIX);
    this.where = redactRedisUrl(opts.url);
    const options: RedisOptions = {
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
      // Never null: a client that gave up would end for good.
      retryStrategy: reconnectDelay,
    };
    this.keeper = new ClientKeeper(
      () => {
        const client = createRedisClient(opts.url, options);
        // A command given up on is never sent later (ioredis would send it on reconnect).
        this.lateSends.install(client);
        return client;
      },
      this.where,
      opts.logger,
    );
    const client = () => this.keeper.client;
    this.staff = new RedisStaffStore(client, this.prefix, this.clock);
    this.workstations = new RedisWorkstations(client, this.prefix, this.clock);
    this.queue = new RedisQueue(client, this.prefix, this.clock);
    this.scan = new RedisSessionScan(client, this.prefix, () => this.clock.now());
    this.sessions = new RedisSessions(client, this.prefix, this.clock);
    this.stats = new RedisStats(client, this.prefix, this.clock);
  }

  /** The client in use now (a new one after the last ended by itself): read for each command. */
  private get client(): RedisClient {
    return this.keeper.client;
  }

  private get lastError(): Error | undefined {
    return this.keeper.lastError;
  }

  /** Clients put in place of one that ended by itself, since start. */
  get clientRevivals(): number {
    return this.keeper.revivals;
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

  private connect(): Promise<void> {
    return this.keeper.connect();
  }

  close(): Promise<void> {
    return this.keeper.close();
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
    this.keeper.onReconnect(listener);
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

  getSessions(ids: readonly string[]): Promise<(SessionRecord | undefined)[]> {
    return this.sessions.getMany(ids);
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

  /**
   * TTLs expire the records; this only drops ids of expired sessions, rows, workstations and
   * pass batches from the indexes, a bounded batch per script (expired-trim.ts).
   */
  async sweep(now: number, opts: SweepOptions = {}): Promise<void> {
    const p = this.prefix;
    const gateways = await this.client.zrange(K.gatewaysKey(p), '0', '-1');
    await Promise.all(gateways.map((gw) => this.scan.sweepGateway(gw, now, opts)));
    await trimExpired(this.client, K.gatewaysKey(p), now, 'gateways', opts);
    await this.stats.sweepIndex();
    await this.workstations.sweep(now, opts);
    await this.staff.sweep(now, opts);
  }

  replaceSealedAddress(s: Pick<SessionRecord, 'id' | 'pseudonym' | 'sealedAddress'>, next: string): Promise<boolean> {
    return this.sessions.replaceSealed(s, next);
  }

  replaceSealedAddresses(changes: readonly SealedChange[]): Promise<boolean[]> {
    return this.sessions.replaceSealedMany(changes);
  }

  async purgeDay(day: string, gatewayId?: string): Promise<void> {
    // A page at a time, sized by time, so a day of 100,000 sessions is never held in memory at once.
    await forEachPage(
      (cursor, size) => this.scanSessions(gatewayId, cursor, size),
      async (page) => void (await Promise.all(page.sessions.filter((s) => s.day === day).map((s) => this.deleteSession(s.id)))),
      { max: PURGE_PAGE },
    );
    const keys = await scanKeys(this.client, K.usageDayPattern(this.prefix, day));
    // One command per key (usage keys sit in different slots), a batch at a time.
    for (let i = 0; i < keys.length; i += PURGE_PAGE) await Promise.all(keys.slice(i, i + PURGE_PAGE).map((k) => this.client.unlink(k)));
  }
}
