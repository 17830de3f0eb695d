// The staff part of the Redis store: accounts, console sessions, sign-in failures, audit log,
// secrets and access passes, shared by every gateway. Keys are built in keys.ts; keys
// changed together share a hash tag ({staff}, {passes}), so scripts also run on Redis Cluster.
import type { Store as RateLimitStore } from 'express-rate-limit';
import type { RedisReply } from 'rate-limit-redis';
import { ReloadingRedisStore } from './rate-limit';
import type { Clock } from '../../domain/clock';
import * as K from './keys';
import { exec, extendExpiry } from './tx';
import { trimExpired } from './expired-trim';
import type { SweepOptions } from '../types';
import { sendRoutedCommand, type RedisClient } from './connection';
import type {
  AuditEntry,
  ClaimResult,
  ConsoleSession,
  PassBatch,
  PassBatchSummary,
  PassRecord,
  StaffAccount,
  StaffStore,
} from '../staff-types';

/** Marks an unused, unexpired pass (KEYS[1]) as used; returns its state or 'ok' with its fields. */
const CLAIM = `
local p = redis.call('HMGET', KEYS[1], 'state', 'validUntil', 'batchId', 'minutes')
if not p[1] then return {'unknown'} end
if p[1] ~= 'unused' then return {p[1]} end
if tonumber(p[2]) <= tonumber(ARGV[1]) then return {'expired'} end
redis.call('HSET', KEYS[1], 'state', 'used')
return {'ok', p[3], p[4], p[2]}`;

/** Sets KEYS[1]'s state field from ARGV[1] to ARGV[2], if it holds ARGV[1]. */
const SWAP_STATE = `
if redis.call('HGET', KEYS[1], 'state') == ARGV[1] then return redis.call('HSET', KEYS[1], 'state', ARGV[2]) end
return -1`;

/** Revokes every unused pass among KEYS; returns how many. */
const REVOKE = `
local n = 0
for i = 1, #KEYS do
  if redis.call('HGET', KEYS[i], 'state') == 'unused' then
    redis.call('HSET', KEYS[i], 'state', 'revoked')
    n = n + 1
  end
end
return n`;

/** Counts a failure (KEYS[1]) and lengthens its expiry to ARGV[1] ms, never shortening it. */
const ADD_FAILURE = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n`;

/**
 * Reserves a sign-in attempt (KEYS[1]): counts it, lengthening the expiry to ARGV[1] ms, only
 * while fewer than ARGV[2] are counted. Returns { reserved (1/0), count, PTTL }.
 */
const RESERVE_ATTEMPT = `
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[2]) then return {0, n, redis.call('PTTL', KEYS[1])} end
n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < tonumber(ARGV[1]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) ttl = tonumber(ARGV[1]) end
return {1, n, ttl}`;

/** The staff records of one Redis store; shares the store's client and key prefix. */
export class RedisStaffStore implements StaffStore {
  constructor(
    /** The store's client now (it may be replaced): read for each command. */
    private readonly clientNow: () => RedisClient,
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  private get client(): RedisClient {
    return this.clientNow();
  }

  private ttl(expiresAt: number): number {
    return K.ttlMs(expiresAt, this.clock.now());
  }

  async addAccount(a: StaffAccount): Promise<boolean> {
    const added = await this.client.set(K.staffAccountKey(this.prefix, a.username), JSON.stringify(a), 'NX');
    if (added !== 'OK') return false;
    await this.client.sadd(K.staffAccountsKey(this.prefix), a.username);
    return true;
  }

  async putAccount(a: StaffAccount): Promise<void> {
    await exec(this.client.multi().set(K.staffAccountKey(this.prefix, a.username), JSON.stringify(a)).sadd(K.staffAccountsKey(this.prefix), a.username));
  }

  async getAccount(username: string): Promise<StaffAccount | undefined> {
    return parse<StaffAccount>(await this.client.get(K.staffAccountKey(this.prefix, username)));
  }

  async listAccounts(): Promise<StaffAccount[]> {
    const names = (await this.client.smembers(K.staffAccountsKey(this.prefix))).sort();
    if (names.length === 0) return [];
    const raws = await this.client.mget(names.map((n) => K.staffAccountKey(this.prefix, n)));
    return raws.map((r) => parse<StaffAccount>(r)).filter((a): a is StaffAccount => a !== undefined);
  }

  async deleteAccount(username: string): Promise<boolean> {
    const [deleted] = await exec(this.client.multi().del(K.staffAccountKey(this.prefix, username)).srem(K.staffAccountsKey(this.prefix), username));
    return deleted === 1;
  }

  async putConsoleSession(tokenHash: string, s: ConsoleSession, expiresAt: number): Promise<void> {
    const ttl = this.ttl(expiresAt);
    const of = K.consoleSessionsOfKey(this.prefix, s.username);
    const tx = this.client.multi().set(K.consoleSessionKey(this.prefix, tokenHash), JSON.stringify(s), 'PX', ttl).sadd(of, tokenHash);
    await exec(extendExpiry(tx, of, ttl));
  }

  async getConsoleSession(tokenHash: string): Promise<ConsoleSession | undefined> {
    return parse<ConsoleSession>(await this.client.get(K.consoleSessionKey(this.prefix, tokenHash)));
  }

  async deleteConsoleSession(tokenHash: string): Promise<void> {
    const s = await this.getConsoleSession(tokenHash);
    const tx = this.client.multi().del(K.consoleSessionKey(this.prefix, tokenHash));
    if (s) tx.srem(K.consoleSessionsOfKey(this.prefix, s.username), tokenHash);
    await exec(tx);
  }

  async deleteConsoleSessionsOf(username: string): Promise<number> {
    const of = K.consoleSessionsOfKey(this.prefix, username);
    const hashes = await this.client.smembers(of);
    if (hashes.length === 0) return 0;
    const results = await exec(this.client.multi().del(...hashes.map((h) => K.consoleSessionKey(this.prefix, h))).del(of));
    return Number(results[0]);
  }

  async addLoginFailure(username: string, expiresAt: number): Promise<number> {
    const n = await this.client.eval(ADD_FAILURE, 1, K.loginFailuresKey(this.prefix, username), this.ttl(expiresAt));
    return Number(n);
  }

  async getLoginFailures(username: string): Promise<{ count: number; expiresAt: number }> {
    const key = K.loginFailuresKey(this.prefix, username);
    const [count, pttl] = await exec(this.client.multi().get(key).pttl(key));
    if (count === null || Number(pttl) <= 0) return { count: 0, expiresAt: 0 };
    return { count: Number(count), expiresAt: this.clock.now() + Number(pttl) };
  }

  async clearLoginFailures(username: string): Promise<void> {
    await this.client.del(K.loginFailuresKey(this.prefix, username));
  }

  async reserveLoginAttempt(username: string, limit: number, expiresAt: number): Promise<{ ok: boolean; count: number; expiresAt: number }> {
    const key = K.loginFailuresKey(this.prefix, username);
    const [reserved, count, pttl] = (await this.client.eval(RESERVE_ATTEMPT, 1, key, this.ttl(expiresAt), limit)) as number[];
    return { ok: reserved === 1, count: Number(count), expiresAt: Number(pttl) > 0 ? this.clock.now() + Number(pttl) : 0 };
  }

  async appendAudit(entry: AuditEntry, expiresAt: number): Promise<void> {
    const key = K.auditKey(this.prefix);
    const keepFrom = this.clock.now() - (expiresAt - entry.at);
    const tx = this.client.multi().zadd(key, entry.at, JSON.stringify({ ...entry, expiresAt })).zremrangebyscore(key, '-inf', `(${keepFrom}`);
    await exec(extendExpiry(tx, key, this.ttl(expiresAt)));
  }

  async listAudit(limit: number, offset = 0): Promise<AuditEntry[]> {
    const raws = await this.client.zrevrange(K.auditKey(this.prefix), offset, offset + limit - 1);
    const now = this.clock.now();
    // Entries are pruned when the next one is appended; until then, hide those past their expiry.
    return raws
      .map((r) => JSON.parse(r) as AuditEntry & { expiresAt: number })
      .filter((e) => e.expiresAt > now)
      .map(({ expiresAt: _expiresAt, ...e }) => e);
  }

  async ensureSecret(name: string, candidate: string): Promise<string> {
    const key = K.secretKey(this.prefix, name);
    await this.client.set(key, candidate, 'NX');
    return (await this.client.get(key)) ?? candidate;
  }

  async createPassBatch(batch: PassBatch, hashes: string[], expiresAt: number): Promise<void> {
    const p = this.prefix;
    const ttl = this.ttl(expiresAt);
    const fields = { batchId: batch.id, minutes: batch.minutes, validUntil: batch.validUntil, state: 'unused' };
    let tx = this.client.multi().set(K.passBatchKey(p, batch.id), JSON.stringify(batch), 'PX', ttl);
    for (const h of hashes) tx = tx.hset(K.passKey(p, h), fields).pexpire(K.passKey(p, h), ttl);
    if (hashes.length > 0) tx = tx.sadd(K.passBatchHashesKey(p, batch.id), ...hashes).pexpire(K.passBatchHashesKey(p, batch.id), ttl);
    tx = tx.zadd(K.passBatchesKey(p), expiresAt, batch.id);
    await exec(extendExpiry(tx, K.passBatchesKey(p), ttl));
  }

  async claimPass(hash: string, now: number): Promise<ClaimResult> {
    const r = (await this.client.eval(CLAIM, 1, K.passKey(this.prefix, hash), now)) as string[];
    if (r[0] !== 'ok') return { ok: false, reason: r[0] as Exclude<ClaimResult, { ok: true }>['reason'] };
    const pass: PassRecord = { hash, batchId: r[1]!, minutes: Number(r[2]), validUntil: Number(r[3]) };
    return { ok: true, pass };
  }

  async releasePass(hash: string): Promise<void> {
    await this.client.eval(SWAP_STATE, 1, K.passKey(this.prefix, hash), 'used', 'unused');
  }

  async listPassBatches(): Promise<PassBatchSummary[]> {
    const p = this.prefix;
    const ids = await this.client.zrangebyscore(K.passBatchesKey(p), `(${this.clock.now()}`, '+inf');
    if (ids.length === 0) return [];
    const raws = await this.client.mget(ids.map((id) => K.passBatchKey(p, id)));
    const batches = raws.map((r) => parse<PassBatch>(r)).filter((b): b is PassBatch => b !== undefined);
    const out: PassBatchSummary[] = [];
    for (const b of batches) {
      const hashes = await this.client.smembers(K.passBatchHashesKey(p, b.id));
      const pipe = this.client.pipeline();
      for (const h of hashes) pipe.hget(K.passKey(p, h), 'state');
      const states = hashes.length > 0 ? await exec(pipe) : [];
      out.push({ ...b, used: states.filter((s) => s === 'used').length, revoked: states.filter((s) => s === 'revoked').length });
    }
    return out.sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  }

  async revokePassBatch(batchId: string): Promise<number> {
    const hashes = await this.client.smembers(K.passBatchHashesKey(this.prefix, batchId));
    if (hashes.length === 0) return 0;
    const keys = hashes.map((h) => K.passKey(this.prefix, h));
    return Number(await this.client.eval(REVOKE, keys.length, ...keys));
  }

  /**
   * TTLs expire passes and batches; this drops expired batch ids from the index of batches
   * (which, with batches made every day, would otherwise never expire), a bounded batch per script.
   */
  async sweep(now: number, opts: SweepOptions = {}): Promise<void> {
    await trimExpired(this.client, K.passBatchesKey(this.prefix), now, 'pass batches', opts);
  }

  sharedRateLimit(name: string): RateLimitStore {
    const client = this.clientNow;
    return new ReloadingRedisStore({
      prefix: K.rateLimitPrefix(this.prefix, name),
      // The Cluster form (rate-limit-redis's sendCommandCluster): SCRIPT LOAD must reach the
      // master that later runs the EVALSHA, or a fresh start answers NOSCRIPT.
      sendCommandCluster: ({ command }) => sendRoutedCommand(client(), command) as Promise<RedisReply>,
    });
  }
}

function parse<T>(raw: string | null | undefined): T | undefined {
  return raw ? (JSON.parse(raw) as T) : undefined;
}
