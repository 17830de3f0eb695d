// The Lua scripts of the Redis store (sessions, usage, stats), one round trip each with all keys
// of a script in one hash-tag slot so they run on Cluster, and how they are sent: EVALSHA, EVAL on NOSCRIPT.
import crypto from 'node:crypto';
import type { RedisClient } from './connection';
import { retryTransient } from './transient';

/** A Lua script and its SHA-1, so it is sent by hash (EVALSHA) once Redis has it. */
export interface Script {
  readonly lua: string;
  readonly sha: string;
}

function script(lua: string): Script {
  return { lua, sha: crypto.createHash('sha1').update(lua).digest('hex') };
}

/**
 * A device's usage of a day is a HASH: field `t` the running total, one `g:<session id>` field per
 * grant charged, so a replayed grant charges once. A key written by an older Threshold as a plain
 * string total is turned into the hash first (usage keys live two days: upgrades mid-day work).
 */
const USAGE_LEGACY = `
local function usage_hash(key)
  if redis.call('TYPE', key).ok == 'string' then
    local v = redis.call('GET', key)
    local ttl = redis.call('PTTL', key)
    redis.call('DEL', key)
    redis.call('HSET', key, 't', v)
    if ttl > 0 then redis.call('PEXPIRE', key, ttl) end
  end
end
`;

/** Gives KEYS[from..to] the TTL in `ttlArg` if they have none, else lengthens it (never shortens). */
function extendTtls(from: number, to: number, ttlArg: string): string {
  return `for i = ${from}, ${to} do
  redis.call('PEXPIRE', KEYS[i], ${ttlArg}, 'NX')
  redis.call('PEXPIRE', KEYS[i], ${ttlArg}, 'GT')
end`;
}

/** Reads a device's usage total (KEYS[1]); 0 when there is none. */
export const GET_USAGE = script(`
local kind = redis.call('TYPE', KEYS[1]).ok
if kind == 'string' then return redis.call('GET', KEYS[1]) end
if kind == 'hash' then return redis.call('HGET', KEYS[1], 't') or '0' end
return '0'`);

/** Adds ARGV[1] seconds to a usage total (KEYS[1]) and sets its TTL to ARGV[2] ms; returns the total. */
export const ADD_USAGE = script(`${USAGE_LEGACY}
usage_hash(KEYS[1])
local total = redis.call('HINCRBYFLOAT', KEYS[1], 't', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return total`);

/**
 * A whole grant in one slot, all or nothing: the device's usage of the day (KEYS[6]) is charged
 * once per session id (a `g:<id>` field), and the session is written unless this gateway's
 * ledger of grants written (KEYS[3], id → expiry) has its id already, so a replay of the same
 * grant, even after the session ended, writes and charges nothing. Written: the record
 * (KEYS[1]), the gateway's index (KEYS[2]), the zone index (KEYS[4]), the set of zones indexed
 * (KEYS[5]) and, when ARGV[9] is not empty, the code key (KEYS[7], value ARGV[9]; the code is in
 * the device's shard). ARGV: record JSON, TTL ms, expiry score, id, now, zone id, seconds
 * charged, usage TTL ms, code value, then the usage total the grant was planned from ('' for a
 * replay: no check). With a total, a new grant writes nothing when the stored total differs or
 * the code key holds another session. Returns 1 when written, 0 when written before,
 * {'usage', stored total} or {'code'} when refused.
 */
export const GRANT = script(`${USAGE_LEGACY}
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[5])
usage_hash(KEYS[6])
local fresh = not redis.call('ZSCORE', KEYS[3], ARGV[4])
if fresh and ARGV[10] ~= '' then
  local total = redis.call('HGET', KEYS[6], 't') or '0'
  if math.abs(tonumber(total) - tonumber(ARGV[10])) >= 1e-6 then return {'usage', total} end
  local holder = ARGV[9] ~= '' and redis.call('GET', KEYS[7])
  if holder and holder ~= ARGV[9] then return {'code'} end
end
if redis.call('HSETNX', KEYS[6], 'g:' .. ARGV[4], ARGV[7]) == 1 then
  redis.call('HINCRBYFLOAT', KEYS[6], 't', ARGV[7])
end
redis.call('PEXPIRE', KEYS[6], ARGV[8])
if not fresh then return 0 end
redis.call('ZADD', KEYS[3], 'NX', ARGV[3], ARGV[4])
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[3], ARGV[4])
redis.call('SADD', KEYS[5], ARGV[6])
if ARGV[9] ~= '' then redis.call('SET', KEYS[7], ARGV[9], 'PX', ARGV[2]) end
${extendTtls(2, 5, 'ARGV[2]')}
return 1`);

/**
 * Adds to a stats row (KEYS[1]) and indexes it (KEYS[2]); with an operation marker (KEYS[3]) the
 * same operation counts once however often it is sent. ARGV: TTL ms, hour, index member, marker
 * TTL ms, then counter/amount pairs. Returns 1 when counted, 0 when counted before.
 */
export const BUMP_STATS = script(`
if KEYS[3] and not redis.call('SET', KEYS[3], '1', 'NX', 'PX', ARGV[4]) then return 0 end
for i = 5, #ARGV, 2 do redis.call('HINCRBYFLOAT', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
${extendTtls(1, 2, 'ARGV[1]')}
return 1`);

/** Raises the peak field of a stats row (KEYS[1]) and indexes the row (KEYS[2]); both under {stats}. */
export const RAISE_PEAK = script(`
local cur = redis.call('HGET', KEYS[1], ARGV[1])
if (not cur) or tonumber(ARGV[2]) > tonumber(cur) then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
${extendTtls(1, 2, 'ARGV[3]')}
return 1`);

/** The gateways index (KEYS[1]): raises gateway ARGV[2]'s last expiry to ARGV[1], keeps the index ARGV[3] ms at least. */
export const GATEWAY_SEEN = script(`
redis.call('ZADD', KEYS[1], 'GT', ARGV[1], ARGV[2])
${extendTtls(1, 1, 'ARGV[3]')}
return 1`);

/** Deletes KEYS[1] only while it still holds ARGV[1] (a code taken over by a newer session stays). */
export const DEL_IF_EQUALS = script(`if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`);

/**
 * Compare-and-set of sessions' sealed addresses, on the keys that hold their records (KEYS, all
 * in one shard): replaces KEYS[k]'s `"sealedAddress":"ARGV[2k-1]"` with ARGV[2k] only while the
 * record still holds ARGV[2k-1], keeping its TTL. Returns 1 or 0 for each key, in order. The
 * values are base64url and a dot, so they need no JSON escaping.
 */
export const REPLACE_SEALED = script(`
local done = {}
for k = 1, #KEYS do
  done[k] = 0
  local s = redis.call('GET', KEYS[k])
  if s then
    local needle = '"sealedAddress":"' .. ARGV[2 * k - 1] .. '"'
    local i, j = string.find(s, needle, 1, true)
    if i then
      redis.call('SET', KEYS[k], string.sub(s, 1, i - 1) .. '"sealedAddress":"' .. ARGV[2 * k] .. '"' .. string.sub(s, j + 1), 'KEEPTTL')
      done[k] = 1
    end
  end
end
return done`);

/**
 * Compare-and-set of a session record (KEYS[1]) and its entries in the gateway's index (KEYS[2])
 * and its zone's index (KEYS[3]), all in the session's shard: only while the record still reads
 * ARGV[1] is it replaced by ARGV[2] (TTL ARGV[3] ms, index score ARGV[4]) or, when ARGV[2] is
 * empty, deleted. ARGV[5] is the id. With KEYS[4] (the device's usage of the day, in the same
 * shard), ARGV[6] seconds are added to it (negative: a refund), TTL ARGV[7] ms, in the same step.
 */
export const SESSION_CAS = script(`${USAGE_LEGACY}
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if KEYS[4] then
  usage_hash(KEYS[4])
  redis.call('HINCRBYFLOAT', KEYS[4], 't', ARGV[6])
  redis.call('PEXPIRE', KEYS[4], ARGV[7])
end
if ARGV[2] == '' then
  redis.call('DEL', KEYS[1])
  redis.call('ZREM', KEYS[2], ARGV[5])
  redis.call('ZREM', KEYS[3], ARGV[5])
  return 1
end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[4], ARGV[5])
redis.call('ZADD', KEYS[3], 'XX', ARGV[4], ARGV[5])
${extendTtls(2, 3, 'ARGV[3]')}
return 1`);

/**
 * Compare-and-set of a zone's queue (KEYS[1], a hash of version `v` and document `doc`): only while
 * the stored version is ARGV[1] (0 when none) is the document replaced by ARGV[2] (TTL ARGV[3] ms)
 * or, when ARGV[2] is empty, deleted.
 */
export const QUEUE_CAS = script(`local v = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if v ~= tonumber(ARGV[1]) then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[1]) return 1 end
redis.call('HSET', KEYS[1], 'v', v + 1, 'doc', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1`);

/**
 * A page of a sorted-set index (KEYS[1]) as one string: ids and scores alternating, one a line,
 * from ZRANGEBYSCORE (ZREVRANGEBYSCORE when ARGV[1] is 'down') from ARGV[2] to ARGV[3], WITHSCORES,
 * LIMIT ARGV[4] ARGV[5]. One string, not an array reply of two strings per entry: ioredis makes
 * each array reply with one allocation site, which V8 soon allocates straight in the old
 * generation when a store page's replies wait for each other, and each such array then keeps
 * its strings alive until a full collection (see session-scan.ts).
 */
export const INDEX_PAGE = script(`
local r
if ARGV[1] == 'down' then
  r = redis.call('ZREVRANGEBYSCORE', KEYS[1], ARGV[2], ARGV[3], 'WITHSCORES', 'LIMIT', ARGV[4], ARGV[5])
else
  r = redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[2], ARGV[3], 'WITHSCORES', 'LIMIT', ARGV[4], ARGV[5])
end
return table.concat(r, '\\n')`);

/**
 * Removes at most ARGV[2] members scored ARGV[1] or less from a sorted-set index (KEYS[1]),
 * lowest first; returns how many. ZREMRANGEBYSCORE has no LIMIT, and one that removed 100,000
 * members would hold Redis (and every gateway waiting on it) that long.
 */
export const TRIM_EXPIRED = script(`local n = redis.call('ZCOUNT', KEYS[1], '-inf', ARGV[1])
local most = tonumber(ARGV[2])
if n > most then n = most end
if n > 0 then redis.call('ZREMRANGEBYRANK', KEYS[1], 0, n - 1) end
return n`);

/** Runs a script by hash, loading it (EVAL) where the node does not have it yet. */
export function runScript(client: RedisClient, s: Script, keys: string[], args: (string | number)[]): Promise<unknown> {
  // A slot on the move (a live reshard) refuses it with TRYAGAIN or ASK for a moment: tried again.
  return retryTransient(async () => {
    try {
      return await client.evalsha(s.sha, keys.length, ...keys, ...args);
    } catch (err) {
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return client.eval(s.lua, keys.length, ...keys, ...args);
    }
  });
}
