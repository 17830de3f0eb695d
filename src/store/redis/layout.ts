// The one-time move from the layout before shards (all of a gateway's keys under {gw:<id>}, usage
// keys untagged) to the sharded one (keys.ts), run by the first gateway to start on this version.
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
    await client.set(K.layoutKey(prefix), K.LAYOUT_VERSION);
    return { sessions, usage };
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
