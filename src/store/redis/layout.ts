// The one-time moves to the current key layout (keys.ts), run by the first gateway to start on this
// version: from the layout before shards (all of a gateway's keys under {gw:<id>}, usage keys
// untagged), and from layout 2 (untagged `code:<code>` keys) to code keys in their shard slot.
import type { Clock } from '../../domain/clock';
import type { SessionRecord } from '../types';
import { scanKeys, type RedisClient } from './connection';
import * as K from './keys';
import { exec, extendExpiry } from './tx';

/** Records and keys handled per round trip. */
const BATCH = 200;

/** What a migration moved (for the start-up log line and tests). */
export interface LayoutMigration {
  sessions: number;
  usage: number;
  codes: number;
}

/**
 * Moves the old layout's sessions and usage totals to the sharded layout once, under a lock, then
 * writes the layout version. A store that has the version already does nothing (one GET). A
 * gateway that finds another one migrating goes on: what it misses meanwhile appears within
 * seconds. `put` writes a session in the new layout (the store's own putSession).
 */
export async function migrateLayout(client: RedisClient, prefix: string, clock: Clock, put: (s: SessionRecord) => Promise<void>): Promise<LayoutMigration | undefined> {
  if ((await client.get(K.layoutKey(prefix))) === K.LAYOUT_VERSION) return undefined;
  const token = `${clock.now()}:${Math.random()}`;
  if ((await client.set(K.layoutLockKey(prefix), token, 'PX', K.LAYOUT_LOCK_MS, 'NX')) !== 'OK') return undefined;
  try {
    const sessions = await moveSessions(client, prefix, clock, put);
    const usage = await moveUsage(client, prefix);
    const codes = await moveCodes(client, prefix);
    await client.set(K.layoutKey(prefix), K.LAYOUT_VERSION);
    return { sessions, usage, codes };
  } finally {
    await client.del(K.layoutLockKey(prefix));
  }
}

async function moveSessions(client: RedisClient, prefix: string, clock: Clock, put: (s: SessionRecord) => Promise<void>): Promise<number> {
  let moved = 0;
  for (const gw of await client.zrange(K.gatewaysKey(prefix), '0', '-1')) {
    const ids = await client.zrangebyscore(K.OLD_LAYOUT.sessions(prefix, gw), `(${clock.now()}`, '+inf');
    for (let i = 0; i < ids.length; i += BATCH) {
      const raws = await client.mget(ids.slice(i, i + BATCH).map((id) => K.OLD_LAYOUT.session(prefix, gw, id)));
      const records = raws.flatMap((raw) => (raw ? [JSON.parse(raw) as SessionRecord] : []));
      await Promise.all(records.map(async (s) => Promise.all([put(s), ledger(client, prefix, clock, s)])));
      moved += records.length;
    }
    // Everything of the old layout under this gateway's tag: records, indexes, ledger, probe.
    const old = await scanKeys(client, K.OLD_LAYOUT.gatewayPattern(prefix, gw));
    for (let i = 0; i < old.length; i += BATCH) await Promise.all(old.slice(i, i + BATCH).map((k) => client.unlink(k)));
  }
  return moved;
}

/** The session's grant in its gateway's ledger, so a replay of a grant made before the move does nothing. */
async function ledger(client: RedisClient, prefix: string, clock: Clock, s: SessionRecord): Promise<void> {
  const key = K.gatewayGrantsKey(prefix, K.shardOf(s.pseudonym), s.gatewayId);
  const exp = K.sessionExpiresAt(s);
  await exec(extendExpiry(client.multi().zadd(key, 'NX', exp, s.id), key, K.ttlMs(exp, clock.now())));
}

/** Usage totals (and the per-grant charges that keep a replay from charging twice), merged in. */
async function moveUsage(client: RedisClient, prefix: string): Promise<number> {
  const keys = await scanKeys(client, K.OLD_LAYOUT.usagePattern(prefix));
  let moved = 0;
  for (const key of keys) {
    const at = K.OLD_LAYOUT.parseUsage(prefix, key);
    const ttl = await client.pttl(key);
    if (!at || ttl <= 0) continue;
    const kind = await client.type(key);
    const fields = kind === 'hash' ? await client.hgetall(key) : kind === 'string' ? { t: (await client.get(key)) ?? '0' } : {};
    const target = K.usageKey(prefix, at.day, at.pseudonym);
    let tx = client.multi().hincrbyfloat(target, 't', fields.t ?? '0');
    for (const [f, v] of Object.entries(fields)) if (f !== 't') tx = tx.hsetnx(target, f, v);
    await exec(tx.pexpire(target, ttl, 'NX').pexpire(target, ttl, 'GT'));
    await client.unlink(key);
    moved++;
  }
  return moved;
}

/**
 * Code keys of layout 2 (`code:<code>`) moved to their shard slot with their TTL (a key already
 * there, written since by a grant, is kept); layout 1's were rewritten by `put` with its sessions.
 */
async function moveCodes(client: RedisClient, prefix: string): Promise<number> {
  const keys = await scanKeys(client, K.OLD_LAYOUT.codePattern(prefix));
  let moved = 0;
  for (let i = 0; i < keys.length; i += BATCH) {
    const done = await Promise.all(
      keys.slice(i, i + BATCH).map(async (key) => {
        const [value, ttl] = await Promise.all([client.get(key), client.pttl(key)]);
        const code = key.slice(prefix.length + 'code:'.length);
        const ok = value !== null && ttl > 0 && K.parseCodeValue(value) !== undefined;
        if (ok) await client.set(K.codeKey(prefix, code), value, 'PX', ttl, 'NX');
        await client.unlink(key);
        return ok ? 1 : 0;
      }),
    );
    moved += done.reduce<number>((a, b) => a + b, 0);
  }
  return moved;
}
