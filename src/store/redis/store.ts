// The Redis store, for library systems where many gateways share one console and one set of policies.
import { policySchema, type Policy } from '../../config/schema';
import { systemClock, type Clock } from '../../domain/clock';
import * as K from './keys';
import { closeRedisClient, createRedisClient, redactRedisUrl, scanKeys, type RedisClient } from './connection';
import { STAT_COUNTERS, emptyCounts, type GrantCharge, type HourlyStats, type ScanOptions, type SealedChange, type SessionPage, type SessionRecord, type StatCounter, type Store } from '../types';
import { ADD_USAGE, BUMP_STATS, CHARGE_GRANT, GET_USAGE, RAISE_PEAK, WRITE_GRANT, runScript } from './scripts';
import { RedisSessionScan } from './session-scan';
import { RedisStaffStore } from './staff';
import { exec, extendExpiry } from './tx';
import { RedisWorkstations } from './workstations';

/** How long `ping` waits before it reports Redis as down. */
export const PING_TIMEOUT_MS = 2000;
const CONNECT_TIMEOUT_MS = 5000;
/** The longest a store command may take, waiting for a reconnect included. */
export const COMMAND_TIMEOUT_MS = 5000;
/** Sessions read, and usage keys unlinked, per round trip when a day is purged. */
const PURGE_PAGE = 500;

/** Deletes KEYS[1] only while it still holds ARGV[1] (a code taken over by a newer session stays). */
const DEL_IF_EQUALS = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/**
 * Compare-and-set of a session's sealed address, on the one key that holds the record (KEYS[1]):
 * replaces `"sealedAddress":"ARGV[1]"` with ARGV[2] only while the record still holds ARGV[1],
 * keeping its TTL. The value is base64url and a dot, so it needs no JSON escaping.
 */
const REPLACE_SEALED = `
local s = redis.call('GET', KEYS[1])
if not s then return 0 end
local needle = '"sealedAddress":"' .. ARGV[1] .. '"'
local i, j = string.find(s, needle, 1, true)
if not i then return 0 end
redis.call('SET', KEYS[1], string.sub(s, 1, i - 1) .. '"sealedAddress":"' .. ARGV[2] .. '"' .. string.sub(s, j + 1), 'KEEPTTL')
return 1`;

/**
 * Compare-and-set of a session record (KEYS[1]) and its entry in the gateway's index (KEYS[2]),
 * both under {gw:<id>}: only while the record still reads ARGV[1] is it replaced by ARGV[2]
 * (TTL ARGV[3] ms, index score ARGV[4]) or, when ARGV[2] is empty, deleted. ARGV[5] is the id.
 */
const SESSION_CAS = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[5])
  return 1
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[3], 'NX')
redis.call('PEXPIRE', KEYS[2], ARGV[3], 'GT')
return 1`;

/** How often a compare-and-set is tried again when a field other than endsAt changed meanwhile. */
const CAS_TRIES = 5;

/**
 * Keeps everything in Redis, expired by TTLs. Every key is built in `keys.ts`; keys that
 * change together share a hash tag, so Redis Cluster works too (Redis 7 or later is required).
 * A command waits through a failover or reconnect, but fails after COMMAND_TIMEOUT_MS at most.
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
  // Public workstations (issue 5).
  readonly workstations: RedisWorkstations;

  /** `clock` is what TTLs and index scores count from (default: the system clock). */
  constructor(opts: { url: string; prefix?: string; clock?: Clock }) {
    this.clock = opts.clock ?? systemClock;
    this.prefix = K.checkPrefix(opts.prefix ?? K.DEFAULT_PREFIX);
    this.where = redactRedisUrl(opts.url);
    this.client = createRedisClient(opts.url, {
      // A command waits for a reconnect (a Sentinel failover, a restart) but never longer than
      // COMMAND_TIMEOUT_MS in all, queue included: a frozen or lost store fails it in bounded time.
      // On Cluster the offline queue is the cluster's (off), and CLUSTER_HA_OPTIONS bound the retries.
      maxRetriesPerRequest: 20,
      enableOfflineQueue: !opts.url.startsWith('redis-cluster://'),
      connectTimeout: 2000,
      commandTimeout: COMMAND_TIMEOUT_MS,
      // ioredis waits this long for a socket that is already gone to close when disconnecting.
      disconnectTimeout: 200,
      // Commands issued in the same tick by concurrent requests share one write to the socket.
      enableAutoPipelining: true,
      retryStrategy: (times) => Math.min(times * 100, 1000),
    });
    // Without a listener ioredis prints every reconnect error; keep the last one for `ping`.
    this.client.on('error', (err: Error) => {
      this.lastError = err;
    });
    this.client.on('ready', () => {
      this.lastError = undefined;
      if (this.wasReady) this.emitReconnect();
      this.wasReady = true;
    });
    // A Cluster client stays ready through a failover; its node list changes instead.
    this.client.on('-node', () => this.emitReconnect());
    this.staff = new RedisStaffStore(this.client, this.prefix, this.clock);
    this.workstations = new RedisWorkstations(this.client, this.prefix, this.clock);
    this.scan = new RedisSessionScan(this.client, this.prefix, () => this.clock.now());
  }

  /** Paging through the sessions and counting them per zone, from the indexes. */
  private readonly scan: RedisSessionScan;

  /** Staff console records, on the same client and prefix. */
  readonly staff: RedisStaffStore;

  async init(): Promise<void> {
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
      const write = this.client.set(K.gatewayProbeKey(this.prefix, gatewayId), String(this.clock.now()), 'PX', K.PROBE_TTL_MS);
      await withTimeout(write, PING_TIMEOUT_MS, `no answer within ${PING_TIMEOUT_MS} ms`);
    } catch (err) {
      throw new Error(`Redis at ${this.where} does not take this gateway's writes: ${reason(err, this.lastError)}`, { cause: err });
    }
  }

  async putSession(s: SessionRecord): Promise<void> {
    const p = this.prefix;
    const exp = K.sessionExpiresAt(s);
    const ttl = K.ttlMs(exp, this.clock.now());
    const old = await this.getSession(s.id);
    if (old && old.gatewayId !== s.gatewayId) await this.deleteSession(s.id);
    const setKey = K.gatewaySessionsKey(p, s.gatewayId);
    const zoneKey = K.gatewayZoneKey(p, s.gatewayId, s.zoneId);
    const zonesKey = K.gatewayZonesKey(p, s.gatewayId);
    let tx = this.client
      .multi()
      .set(K.sessionKey(p, s.gatewayId, s.id), JSON.stringify(s), 'PX', ttl)
      .zadd(setKey, exp, s.id)
      .zadd(zoneKey, exp, s.id)
      .sadd(zonesKey, s.zoneId);
    if (old && old.gatewayId === s.gatewayId && old.zoneId !== s.zoneId) tx = tx.zrem(K.gatewayZoneKey(p, s.gatewayId, old.zoneId), s.id);
    await Promise.all([
      exec(extendExpiry(extendExpiry(extendExpiry(tx, setKey, ttl), zoneKey, ttl), zonesKey, ttl)),
      this.client.set(K.sessionIdKey(p, s.id), s.gatewayId, 'PX', ttl),
      this.client.set(K.codeKey(p, s.code), K.codeValue(s.gatewayId, s.id), 'PX', ttl),
      exec(extendExpiry(this.client.multi().zadd(K.gatewaysKey(p), 'GT', exp, s.gatewayId), K.gatewaysKey(p), ttl)),
    ]);
    if (old && old.code !== s.code && old.gatewayId === s.gatewayId) await this.releaseCode(old);
  }

  /**
   * One script in the gateway's slot writes the record, its index and the grant ledger (the
   * commit point); then the charge (one script on the usage key, once per session id) and the
   * lookups by id, by code and of gateways go out together. A failure after the commit point
   * rejects, and a retry with the same record completes the rest without charging twice.
   */
  async grantSession(s: SessionRecord, charge: GrantCharge): Promise<boolean> {
    const p = this.prefix;
    const now = this.clock.now();
    const exp = K.sessionExpiresAt(s);
    const ttl = K.ttlMs(exp, now);
    finite(charge.seconds, 'seconds');
    const gw = s.gatewayId;
    const keys = [K.sessionKey(p, gw, s.id), K.gatewaySessionsKey(p, gw), K.gatewayGrantsKey(p, gw), K.gatewayZoneKey(p, gw, s.zoneId), K.gatewayZonesKey(p, gw)];
    const written = (await runScript(this.client, WRITE_GRANT, keys, [JSON.stringify(s), ttl, exp, s.id, now, s.zoneId])) === 1;
    const usageTtl = K.ttlMs(charge.expiresAt, now);
    await Promise.all([
      runScript(this.client, CHARGE_GRANT, [K.usageKey(p, s.day, s.pseudonym)], [s.id, charge.seconds, usageTtl]),
      // Lookups of a session that has since ended must not come back: only while it is live.
      ...(written || s.endsAt > now
        ? [
            this.client.set(K.sessionIdKey(p, s.id), s.gatewayId, 'PX', ttl),
            this.client.set(K.codeKey(p, s.code), K.codeValue(s.gatewayId, s.id), 'PX', ttl),
            exec(extendExpiry(this.client.multi().zadd(K.gatewaysKey(p), 'GT', exp, s.gatewayId), K.gatewaysKey(p), ttl)),
          ]
        : []),
    ]);
    return written;
  }

  async getSession(id: string): Promise<SessionRecord | undefined> {
    const gatewayId = await this.client.get(K.sessionIdKey(this.prefix, id));
    if (!gatewayId) return undefined;
    return parseSession(await this.client.get(K.sessionKey(this.prefix, gatewayId, id)));
  }

  async findSessionByCode(code: string): Promise<SessionRecord | undefined> {
    const value = await this.client.get(K.codeKey(this.prefix, code));
    const ref = value ? K.parseCodeValue(value) : undefined;
    if (!ref) return undefined;
    const s = parseSession(await this.client.get(K.sessionKey(this.prefix, ref.gatewayId, ref.id)));
    return s?.code === code ? s : undefined;
  }

  async listSessions(gatewayId?: string): Promise<SessionRecord[]> {
    const p = this.prefix;
    const now = this.clock.now();
    const gateways = gatewayId !== undefined ? [gatewayId] : await this.client.zrangebyscore(K.gatewaysKey(p), `(${now}`, '+inf');
    const lists = await Promise.all(
      gateways.map(async (gw) => {
        const ids = await this.client.zrangebyscore(K.gatewaySessionsKey(p, gw), `(${now}`, '+inf');
        if (ids.length === 0) return [];
        const raws = await this.client.mget(ids.map((id) => K.sessionKey(p, gw, id)));
        return raws.map(parseSession).filter((s): s is SessionRecord => s !== undefined);
      }),
    );
    return lists.flat().sort((a, b) => a.startedAt - b.startedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  scanSessions(gatewayId: string | undefined, cursor: string | undefined, limit: number, opts?: ScanOptions): Promise<SessionPage> {
    return this.scan.scan(gatewayId, cursor, limit, opts);
  }

  countSessionsByZone(zoneIds: readonly string[]): Promise<Record<string, number>> {
    return this.scan.countByZone(zoneIds);
  }

  async deleteSession(id: string): Promise<boolean> {
    const p = this.prefix;
    const s = await this.getSession(id);
    if (!s) {
      await this.client.del(K.sessionIdKey(p, id));
      return false;
    }
    const tx = this.client
      .multi()
      .del(K.sessionKey(p, s.gatewayId, id))
      .zrem(K.gatewaySessionsKey(p, s.gatewayId), id)
      .zrem(K.gatewayZoneKey(p, s.gatewayId, s.zoneId), id);
    const [results] = await Promise.all([exec(tx), this.client.del(K.sessionIdKey(p, id)), this.releaseCode(s)]);
    return results[0] === 1;
  }

  async setSessionEnd(id: string, expectedEndsAt: number, endsAt: number): Promise<SessionRecord | undefined> {
    finite(endsAt, 'endsAt');
    const changed = await this.casSession(id, expectedEndsAt, (s) => ({ ...s, endsAt }));
    if (!changed) return undefined;
    // The single-slot keys only ever lengthen here: they outlive a shortened record harmlessly.
    const p = this.prefix;
    const ttl = K.ttlMs(K.sessionExpiresAt(changed), this.clock.now());
    await Promise.all([
      this.client.pexpire(K.sessionIdKey(p, id), ttl, 'GT'),
      this.client.pexpire(K.codeKey(p, changed.code), ttl, 'GT'),
      exec(this.client.multi().zadd(K.gatewaysKey(p), 'GT', K.sessionExpiresAt(changed), changed.gatewayId).pexpire(K.gatewaysKey(p), ttl, 'GT')),
    ]);
    return changed;
  }

  async takeSession(id: string, expectedEndsAt: number): Promise<SessionRecord | undefined> {
    const taken = await this.casSession(id, expectedEndsAt, () => undefined);
    if (taken) await Promise.all([this.client.del(K.sessionIdKey(this.prefix, id)), this.releaseCode(taken)]);
    return taken;
  }

  /**
   * Replaces (or, when `next` gives undefined, deletes) a session record in one Lua script that
   * checks the record is still the one read, so no other change slips in between. Resolves the
   * record written (or the one deleted), or undefined when the session is gone or no longer ends
   * at `expectedEndsAt`.
   */
  private async casSession(id: string, expectedEndsAt: number, next: (s: SessionRecord) => SessionRecord | undefined): Promise<SessionRecord | undefined> {
    finite(expectedEndsAt, 'expectedEndsAt');
    const p = this.prefix;
    const gatewayId = await this.client.get(K.sessionIdKey(p, id));
    if (!gatewayId) return undefined;
    const keys = [K.sessionKey(p, gatewayId, id), K.gatewaySessionsKey(p, gatewayId)];
    for (let i = 0; i < CAS_TRIES; i++) {
      const raw = await this.client.get(keys[0]!);
      const current = parseSession(raw);
      if (!raw || !current || current.endsAt !== expectedEndsAt) return undefined;
      const changed = next(current);
      const exp = changed ? K.sessionExpiresAt(changed) : 0;
      const args = [raw, changed ? JSON.stringify(changed) : '', K.ttlMs(exp, this.clock.now()), exp, id];
      if ((await this.client.eval(SESSION_CAS, keys.length, ...keys, ...args)) === 1) return changed ?? current;
    }
    return undefined;
  }

  async addUsage(day: string, pseudonym: string, deltaSeconds: number, expiresAt: number): Promise<number> {
    finite(deltaSeconds, 'deltaSeconds');
    const key = K.usageKey(this.prefix, day, pseudonym);
    const ttl = K.ttlMs(expiresAt, this.clock.now());
    return Number(await runScript(this.client, ADD_USAGE, [key], [deltaSeconds, ttl]));
  }

  async getUsage(day: string, pseudonym: string): Promise<number> {
    return Number(await runScript(this.client, GET_USAGE, [K.usageKey(this.prefix, day, pseudonym)], []));
  }

  async getPolicy(zoneId: string): Promise<Policy | undefined> {
    const raw = await this.client.get(K.policyKey(this.prefix, zoneId));
    return raw === null ? undefined : policySchema.parse(JSON.parse(raw));
  }

  async setPolicy(zoneId: string, policy: Policy): Promise<void> {
    await this.client.set(K.policyKey(this.prefix, zoneId), JSON.stringify(policy));
  }

  async bumpStats(zoneId: string, hour: number, counts: Partial<Record<StatCounter, number>>, expiresAt: number, opId?: string): Promise<void> {
    const p = this.prefix;
    const keys = [K.statsRowKey(p, zoneId, hour), K.statsIndexKey(p), ...(opId ? [K.statsOpKey(p, opId)] : [])];
    const ttl = K.ttlMs(expiresAt, this.clock.now());
    // Only the counters that change: readStats fills the others with zeros.
    const pairs = STAT_COUNTERS.filter((c) => counts[c]).flatMap((c) => [c, finite(counts[c] ?? 0, c)]);
    const args = [ttl, hour, K.statsMember(zoneId, hour), K.STATS_OP_KEEP_MS, ...pairs];
    await runScript(this.client, BUMP_STATS, keys, args);
  }

  async raisePeak(zoneId: string, hour: number, value: number, expiresAt: number): Promise<void> {
    const keys = [K.statsRowKey(this.prefix, zoneId, hour), K.statsIndexKey(this.prefix)];
    const ttl = K.ttlMs(expiresAt, this.clock.now());
    const args = [K.PEAK_FIELD, finite(value, 'value'), ttl, hour, K.statsMember(zoneId, hour)];
    await runScript(this.client, RAISE_PEAK, keys, args);
  }

  async readStats(from: number, to: number, zoneId?: string): Promise<HourlyStats[]> {
    const index = K.statsIndexKey(this.prefix);
    const rows = (await this.client.zrangebyscore(index, from, `(${to}`))
      .map((m) => ({ member: m, row: K.parseStatsMember(m) }))
      .filter((r) => r.row !== undefined && (zoneId === undefined || r.row.zoneId === zoneId));
    if (rows.length === 0) return [];
    const pipe = this.client.pipeline();
    for (const r of rows) pipe.hgetall(K.statsRowKey(this.prefix, r.row!.zoneId, r.row!.hour));
    const hashes = await exec(pipe);
    const out: HourlyStats[] = [];
    const stale: string[] = [];
    rows.forEach((r, i) => {
      const h = (hashes[i] ?? {}) as Record<string, string>;
      if (Object.keys(h).length === 0) return void stale.push(r.member);
      const counts = emptyCounts();
      for (const c of STAT_COUNTERS) counts[c] = Number(h[c] ?? 0);
      out.push({ zoneId: r.row!.zoneId, hour: r.row!.hour, counts, peakConcurrent: Number(h[K.PEAK_FIELD] ?? 0) });
    });
    if (stale.length > 0) await this.client.zrem(index, ...stale);
    return out.sort((a, b) => a.hour - b.hour || (a.zoneId < b.zoneId ? -1 : a.zoneId > b.zoneId ? 1 : 0));
  }

  /** TTLs expire the records; this only drops ids of expired sessions and rows from the indexes. */
  async sweep(now: number): Promise<void> {
    const p = this.prefix;
    const gateways = await this.client.zrange(K.gatewaysKey(p), '0', '-1');
    await Promise.all(gateways.map((gw) => this.client.zremrangebyscore(K.gatewaySessionsKey(p, gw), '-inf', now)));
    await Promise.all(gateways.map((gw) => this.scan.sweepZones(gw, now)));
    await this.client.zremrangebyscore(K.gatewaysKey(p), '-inf', now);
    await this.sweepStatsIndex();
    await this.workstations.sweep(now);
  }

  async replaceSealedAddress(s: Pick<SessionRecord, 'id' | 'gatewayId' | 'sealedAddress'>, next: string): Promise<boolean> {
    const done = await this.client.eval(REPLACE_SEALED, 1, K.sessionKey(this.prefix, s.gatewayId, s.id), s.sealedAddress, next);
    return done === 1;
  }

  /** One script per record (each on its own key), sent together by auto-pipelining. */
  replaceSealedAddresses(changes: readonly SealedChange[]): Promise<boolean[]> {
    return Promise.all(changes.map((c) => this.replaceSealedAddress(c.session, c.next)));
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

  /** Drops index members of expired stats rows, oldest first, stopping at the first live one. */
  private async sweepStatsIndex(): Promise<void> {
    const index = K.statsIndexKey(this.prefix);
    for (;;) {
      const members = await this.client.zrange(index, '0', '99');
      const pipe = this.client.pipeline();
      for (const m of members) {
        const r = K.parseStatsMember(m);
        pipe.exists(r ? K.statsRowKey(this.prefix, r.zoneId, r.hour) : index);
      }
      const exists = members.length > 0 ? await exec(pipe) : [];
      const firstLive = exists.findIndex((e) => e === 1);
      const stale = members.slice(0, firstLive < 0 ? members.length : firstLive);
      if (stale.length > 0) await this.client.zrem(index, ...stale);
      if (firstLive >= 0 || members.length < 100) return;
    }
  }

  private async releaseCode(s: SessionRecord): Promise<void> {
    await this.client.eval(DEL_IF_EQUALS, 1, K.codeKey(this.prefix, s.code), K.codeValue(s.gatewayId, s.id));
  }
}

function parseSession(raw: string | null | undefined): SessionRecord | undefined {
  return raw ? (JSON.parse(raw) as SessionRecord) : undefined;
}

function finite(n: number, what: string): number {
  if (!Number.isFinite(n)) throw new RangeError(`${what} must be a finite number, got ${n}`);
  return n;
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
