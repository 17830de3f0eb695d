// The workstation part of the Redis store. A workstation's record, history and commands share
// one hash tag, so the scripts that change them together also run on Redis Cluster.
import crypto from 'node:crypto';
import type { Clock } from '../../domain/clock';
import * as K from './keys';
import type { RedisClient } from './connection';
import {
  COMMAND_HISTORY_LIMIT,
  COMMAND_KEEP_MS,
  HEALTH_HISTORY_LIMIT,
  RETIRED_KEEP_MS,
  pendingOldestFirst,
  type CommandOutcome,
  type EnrolmentCode,
  type HealthSample,
  type WorkstationCommand,
  type WorkstationPatch,
  type WorkstationRecord,
  type WorkstationStore,
} from '../workstation-types';
import type { SweepOptions } from '../types';
import { trimExpired } from './expired-trim';

/** Lua: stop (returning 0) unless KEYS[1] is the record of an active workstation. */
const IF_ACTIVE = `if redis.call('HEXISTS', KEYS[1], 'tokenHash') == 0 or redis.call('HEXISTS', KEYS[1], 'retiredAt') == 1 then return 0 end\n`;

/** Writes a new record (KEYS: rec, health, cmds) unless an active one has the name; returns the old token hash. */
const ADD = `if redis.call('HEXISTS', KEYS[1], 'tokenHash') == 1 and redis.call('HEXISTS', KEYS[1], 'retiredAt') == 0 then return 0 end
local old = redis.call('HGET', KEYS[1], 'tokenHash')
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
redis.call('HSET', KEYS[1], unpack(ARGV))
return old or ''`;

/** Sets fields (ARGV pairs) on an active record. */
const UPDATE = `${IF_ACTIVE}redis.call('HSET', KEYS[1], unpack(ARGV))
return 1`;

/** KEYS: rec, health, cmds. ARGV: seenAt, history limit, latest report JSON, samples JSON oldest first. Returns the commands. */
const RECORD = `${IF_ACTIVE}redis.call('HSET', KEYS[1], 'lastSeenAt', ARGV[1], 'health', ARGV[3])
redis.call('LPUSH', KEYS[2], unpack(ARGV, 4))
redis.call('LTRIM', KEYS[2], 0, tonumber(ARGV[2]) - 1)
return redis.call('HVALS', KEYS[3])`;

/** KEYS: rec, health, cmds. ARGV: at, TTL. Returns the token hash of the workstation retired. */
const RETIRE = `${IF_ACTIVE}redis.call('HSET', KEYS[1], 'retiredAt', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('DEL', KEYS[2], KEYS[3])
return redis.call('HGET', KEYS[1], 'tokenHash')`;

/** KEYS: rec, cmds. ARGV: id, JSON, TTL. Queues a command for an active workstation. */
const QUEUE = `${IF_ACTIVE}redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[3])
return 1`;

/** KEYS: cmds. ARGV: id, JSON. Replaces a command that is still there (never recreates the hash). */
const REPLACE = `if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`;

/** The workstation methods of RedisStore, over its client. */
export class RedisWorkstations implements WorkstationStore {
  private readonly shas = new Map<string, string>();

  constructor(
    /** The store's client now (it may be replaced): read for each command. */
    private readonly clientNow: () => RedisClient,
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  private get client(): RedisClient {
    return this.clientNow();
  }

  async putCode(code: EnrolmentCode): Promise<void> {
    const ttl = K.ttlMs(code.expiresAt, this.clock.now());
    await this.client.set(K.enrolmentCodeKey(this.prefix, code.codeHash), JSON.stringify(code), 'PX', ttl);
  }

  async takeCode(codeHash: string): Promise<EnrolmentCode | undefined> {
    const raw = await this.client.getdel(K.enrolmentCodeKey(this.prefix, codeHash));
    const code = raw ? (JSON.parse(raw) as EnrolmentCode) : undefined;
    return code && code.expiresAt > this.clock.now() ? code : undefined;
  }

  async add(ws: WorkstationRecord): Promise<boolean> {
    const p = this.prefix;
    const old = await this.script(ADD, this.keysOf(ws.name, 'rec', 'health', 'cmds'), toFields(ws));
    if (old === 0) return false;
    if (typeof old === 'string' && old && old !== ws.tokenHash) await this.client.del(K.workstationTokenKey(p, old));
    await this.client.set(K.workstationTokenKey(p, ws.tokenHash), ws.name);
    await this.client.zadd(K.workstationsIndexKey(p), K.ACTIVE_SCORE, ws.name);
    return true;
  }

  async get(name: string): Promise<WorkstationRecord | undefined> {
    return fromFields(await this.client.hgetall(K.workstationKey(this.prefix, name)));
  }

  async findByToken(tokenHash: string): Promise<WorkstationRecord | undefined> {
    const name = await this.client.get(K.workstationTokenKey(this.prefix, tokenHash));
    const ws = name ? await this.get(name) : undefined;
    return ws?.tokenHash === tokenHash ? ws : undefined;
  }

  async list(): Promise<WorkstationRecord[]> {
    const names = await this.client.zrangebyscore(K.workstationsIndexKey(this.prefix), `(${this.clock.now()}`, '+inf');
    // One command per record: records sit in different cluster slots.
    const records = await Promise.all(names.map((n) => this.get(n)));
    return records.filter((r): r is WorkstationRecord => r !== undefined).sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  async update(name: string, patch: WorkstationPatch): Promise<boolean> {
    const fields = toFields(patch);
    if (fields.length === 0) return (await this.get(name))?.retiredAt === undefined;
    return (await this.script(UPDATE, this.keysOf(name, 'rec'), fields)) === 1;
  }

  async recordHealth(name: string, samples: HealthSample[], seenAt: number): Promise<WorkstationCommand[] | undefined> {
    const last = samples[samples.length - 1];
    if (!last) return undefined;
    const args = [seenAt, HEALTH_HISTORY_LIMIT, JSON.stringify(last.report), ...samples.map((s) => JSON.stringify(s))];
    const cmds = await this.script(RECORD, this.keysOf(name, 'rec', 'health', 'cmds'), args);
    if (!Array.isArray(cmds)) return undefined;
    return pendingOldestFirst((cmds as string[]).map((c) => JSON.parse(c) as WorkstationCommand), this.clock.now());
  }

  async history(name: string): Promise<HealthSample[]> {
    const raws = await this.client.lrange(K.workstationHealthKey(this.prefix, name), 0, HEALTH_HISTORY_LIMIT - 1);
    return raws.map((r) => JSON.parse(r) as HealthSample);
  }

  async retire(name: string, at: number): Promise<boolean> {
    const expiresAt = at + RETIRED_KEEP_MS;
    const ttl = K.ttlMs(expiresAt, this.clock.now());
    const tokenHash = await this.script(RETIRE, this.keysOf(name, 'rec', 'health', 'cmds'), [at, ttl]);
    if (typeof tokenHash !== 'string') return false;
    await this.client.pexpire(K.workstationTokenKey(this.prefix, tokenHash), ttl);
    await this.client.zadd(K.workstationsIndexKey(this.prefix), expiresAt, name);
    return true;
  }

  async queueCommand(cmd: WorkstationCommand): Promise<boolean> {
    const ttl = K.ttlMs(cmd.createdAt + COMMAND_KEEP_MS, this.clock.now());
    const keys = this.keysOf(cmd.workstation, 'rec', 'cmds');
    if ((await this.script(QUEUE, keys, [cmd.id, JSON.stringify(cmd), ttl])) !== 1) return false;
    const all = await this.readCommands(cmd.workstation);
    const extra = all.slice(COMMAND_HISTORY_LIMIT).map((c) => c.id);
    if (extra.length > 0) await this.client.hdel(keys[1]!, ...extra);
    return true;
  }

  async listCommands(name: string): Promise<WorkstationCommand[]> {
    const now = this.clock.now();
    return (await this.readCommands(name)).filter((c) => c.createdAt + COMMAND_KEEP_MS > now);
  }

  async markDelivered(name: string, ids: string[], at: number): Promise<void> {
    for (const id of ids) {
      const cmd = await this.readCommand(name, id);
      if (cmd?.status === 'pending' && cmd.deliveredAt === undefined) await this.replace({ ...cmd, deliveredAt: at });
    }
  }

  async finishCommand(name: string, id: string, outcome: CommandOutcome): Promise<WorkstationCommand | undefined> {
    const cmd = await this.readCommand(name, id);
    if (cmd?.status !== 'pending') return undefined;
    const done: WorkstationCommand = { ...cmd, status: outcome.status, finishedAt: outcome.at };
    if (outcome.reason !== undefined) done.reason = outcome.reason;
    return (await this.replace(done)) ? done : undefined;
  }

  /** TTLs expire the records; this drops expired names from the index, a bounded batch per script. */
  async sweep(now: number, opts: SweepOptions = {}): Promise<void> {
    await trimExpired(this.client, K.workstationsIndexKey(this.prefix), now, 'workstations', opts);
  }

  /** Every command kept for a workstation, newest first. */
  private async readCommands(name: string): Promise<WorkstationCommand[]> {
    const raw = await this.client.hgetall(K.workstationCommandsKey(this.prefix, name));
    return Object.values(raw)
      .map((v) => JSON.parse(v) as WorkstationCommand)
      .sort((a, b) => b.createdAt - a.createdAt || (a.id < b.id ? -1 : 1));
  }

  private async readCommand(name: string, id: string): Promise<WorkstationCommand | undefined> {
    const raw = await this.client.hget(K.workstationCommandsKey(this.prefix, name), id);
    const cmd = raw ? (JSON.parse(raw) as WorkstationCommand) : undefined;
    return cmd && cmd.createdAt + COMMAND_KEEP_MS > this.clock.now() ? cmd : undefined;
  }

  private async replace(cmd: WorkstationCommand): Promise<boolean> {
    const key = K.workstationCommandsKey(this.prefix, cmd.workstation);
    return (await this.script(REPLACE, [key], [cmd.id, JSON.stringify(cmd)])) === 1;
  }

  private keysOf(name: string, ...parts: ('rec' | 'health' | 'cmds')[]): string[] {
    const build = { rec: K.workstationKey, health: K.workstationHealthKey, cmds: K.workstationCommandsKey };
    return parts.map((part) => build[part](this.prefix, name));
  }

  /** Runs a script by its SHA (heartbeats are the hot path: no need to send the source each time). */
  private async script(lua: string, keys: string[], args: (string | number)[]): Promise<unknown> {
    let sha = this.shas.get(lua);
    if (!sha) this.shas.set(lua, (sha = crypto.createHash('sha1').update(lua).digest('hex')));
    try {
      return await this.client.evalsha(sha, keys.length, ...keys, ...args);
    } catch (err) {
      // A server that has not seen it yet (or was restarted): send it once, cached from then on.
      if (!/NOSCRIPT/.test((err as Error).message)) throw err;
      return this.client.eval(lua, keys.length, ...keys, ...args);
    }
  }
}

/** A record (or patch) as hash fields: numbers and flags as strings, nested values as JSON. */
function toFields(ws: Partial<WorkstationRecord>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(ws)) {
    if (v === undefined) continue;
    out.push(k, typeof v === 'object' ? JSON.stringify(v) : typeof v === 'boolean' ? (v ? '1' : '0') : String(v));
  }
  return out;
}

function fromFields(h: Record<string, string>): WorkstationRecord | undefined {
  if (!h.tokenHash || !h.name || !h.zoneId) return undefined;
  const ws: WorkstationRecord = {
    name: h.name,
    zoneId: h.zoneId,
    tokenHash: h.tokenHash,
    enrolledAt: Number(h.enrolledAt),
    mode: (h.mode ?? 'in-service') as WorkstationRecord['mode'],
    inUse: h.inUse === '1',
  };
  if (h.retiredAt !== undefined) ws.retiredAt = Number(h.retiredAt);
  if (h.lastSeenAt !== undefined) ws.lastSeenAt = Number(h.lastSeenAt);
  if (h.health !== undefined) ws.health = JSON.parse(h.health) as WorkstationRecord['health'];
  if (h.lastWipe !== undefined) ws.lastWipe = JSON.parse(h.lastWipe) as WorkstationRecord['lastWipe'];
  return ws;
}
