// What only the Redis store needs for grants: replays after the session ended, counter updates
// sent twice, usage totals written by older versions, no CROSSSLOT-prone multi-slot script, a
// refused checked grant leaving no key behind, and code keys of layout 2 moved to their shard.
import { RedisStore } from '../../src/store/redis/store';
import * as K from '../../src/store/redis/keys';
import type { RedisClient } from '../../src/store/redis/connection';
import { connectTestRedis, deleteKeysWithPrefix, keysWithPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis';
import { checkableSession } from './grant.contract';
import { makeSession } from './store.contract';

const HOUR = 3_600_000;
const inAnHour = () => Date.now() + HOUR;
const prefixes: string[] = [];
let admin: RedisClient;

async function newStore(): Promise<{ store: RedisStore; prefix: string }> {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  const store = new RedisStore({ url: testRedisUrl(), prefix });
  await store.init();
  return { store, prefix };
}

beforeAll(async () => {
  admin = await connectTestRedis();
});
afterAll(async () => {
  await admin.quit();
});
afterEach(async () => {
  await deleteKeysWithPrefix(prefixes.splice(0));
});

test('when a grant is replayed after its session was ended, then the session does not come back and nothing is charged again', async () => {
  const { store } = await newStore();
  const s = makeSession();
  await store.grantSession(s, { seconds: 900, expiresAt: inAnHour() });
  await store.deleteSession(s.id);
  expect(await store.grantSession(s, { seconds: 900, expiresAt: inAnHour() })).toBe(false);
  expect(await store.getSession(s.id)).toBeUndefined();
  expect(await store.findSessionByCode(s.code)).toBeUndefined();
  expect(await store.listSessions(s.gatewayId)).toEqual([]);
  expect(await store.getUsage(s.day, s.pseudonym)).toBe(900);
  await store.close();
});

test('when a counter update is sent twice with the same operation id, then it counts once; without one, twice', async () => {
  const { store } = await newStore();
  const hour = Date.UTC(2026, 10, 18, 10);
  await store.bumpStats('wifi', hour, { sessionsStarted: 1 }, inAnHour(), 'op-1');
  await store.bumpStats('wifi', hour, { sessionsStarted: 1 }, inAnHour(), 'op-1');
  await store.bumpStats('wifi', hour, { sessionsStarted: 1 }, inAnHour(), 'op-2');
  expect((await store.readStats(hour, hour + HOUR))[0]?.counts.sessionsStarted).toBe(2);
  await store.bumpStats('wifi', hour, { minutesUsed: 5 }, inAnHour());
  await store.bumpStats('wifi', hour, { minutesUsed: 5 }, inAnHour());
  expect((await store.readStats(hour, hour + HOUR))[0]?.counts.minutesUsed).toBe(10);
  await store.close();
});

test('when a usage total was written by an older version as a plain string, then it is read, added to and charged', async () => {
  const { store, prefix } = await newStore();
  const s = makeSession();
  await admin.set(K.usageKey(prefix, s.day, s.pseudonym), '120', 'PX', HOUR);
  expect(await store.getUsage(s.day, s.pseudonym)).toBe(120);
  await store.grantSession(s, { seconds: 600, expiresAt: inAnHour() });
  expect(await store.getUsage(s.day, s.pseudonym)).toBe(720);
  expect(await store.addUsage(s.day, s.pseudonym, 30, inAnHour())).toBe(750);
  expect(await admin.pttl(K.usageKey(prefix, s.day, s.pseudonym))).toBeGreaterThan(0);
  await store.close();
});

test('when a grant is written, then its script touches keys of one slot only (it runs on Cluster), and devices spread over every shard', async () => {
  const s = makeSession();
  const p = 'x:';
  const slotTag = (k: string) => /\{[^}]+\}/.exec(k)?.[0];
  const n = K.shardOf(s.pseudonym);
  const gw = s.gatewayId;
  let code = 'AAAAAA';
  for (let i = 0; !K.codeFits(code, s.pseudonym); i++) code = `C${String(i).padStart(5, '0')}`;
  const grant = [K.sessionKey(p, n, s.id), K.gatewaySessionsKey(p, n, gw), K.gatewayGrantsKey(p, n, gw), K.gatewayZoneKey(p, n, gw, s.zoneId), K.gatewayZonesKey(p, n, gw), K.usageKey(p, s.day, s.pseudonym), K.codeKey(p, code)];
  expect(new Set(grant.map(slotTag))).toEqual(new Set([K.shardTag(n)]));
  const shards = new Set(Array.from({ length: 400 }, (_, i) => K.shardOf(`device-${i}`)));
  expect(shards.size).toBe(K.SHARDS);
  expect(slotTag(K.statsOpKey(p, 'op'))).toBe(slotTag(K.statsRowKey(p, 'wifi', 0)));
});

test('when a checked grant is refused (a changed total, a taken code), then it leaves no key of its own behind', async () => {
  const { store, prefix } = await newStore();
  const a = checkableSession(store);
  await store.grantSession(a, { seconds: 600, expiresAt: inAnHour() }, { usedSeconds: 0 });
  const before = new Set(await keysWithPrefix(admin, prefix));
  const stale = checkableSession(store, { pseudonym: a.pseudonym });
  expect(await store.grantSession(stale, { seconds: 600, expiresAt: inAnHour() }, { usedSeconds: 0 })).toEqual({ conflict: 'usage', usedSeconds: 600 });
  const taken = { ...checkableSession(store, { pseudonym: a.pseudonym }), code: a.code };
  expect(await store.grantSession(taken, { seconds: 600, expiresAt: inAnHour() }, { usedSeconds: 600 })).toEqual({ conflict: 'code' });
  expect(new Set(await keysWithPrefix(admin, prefix))).toEqual(before);
  // A code that does not fit the device's shard cannot be checked in the same step.
  let other = makeSession();
  while (K.codeFits(other.code, other.pseudonym)) other = makeSession();
  await expect(store.grantSession(other, { seconds: 60, expiresAt: inAnHour() }, { usedSeconds: 0 })).rejects.toThrow(/codeFits/);
  await store.close();
});

test('when a store starts on layout 2, then its untagged code keys move to their shard slot with their TTL, and nothing old is left', async () => {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  const first = new RedisStore({ url: testRedisUrl(), prefix });
  await first.init();
  const s = makeSession();
  await first.putSession(s);
  await first.close();
  // What layout 2 had for the session's code: an untagged key (and its version).
  const value = K.codeValue(K.shardOf(s.pseudonym), s.gatewayId, s.id);
  await admin.del(K.codeKey(prefix, s.code));
  await admin.set(`${prefix}code:${s.code}`, value, 'PX', HOUR);
  await admin.set(`${prefix}code:STALE1`, 'not a code value', 'PX', HOUR);
  await admin.set(K.layoutKey(prefix), '2');
  const store = new RedisStore({ url: testRedisUrl(), prefix });
  await store.init();
  try {
    expect(await store.findSessionByCode(s.code)).toEqual(s);
    expect(await admin.pttl(K.codeKey(prefix, s.code))).toBeGreaterThan(HOUR - 60_000);
    const keys = (await keysWithPrefix(admin, prefix)).map((k) => k.slice(prefix.length));
    expect(keys.filter((k) => k.startsWith('code:'))).toEqual([]);
    expect(await admin.get(K.layoutKey(prefix))).toBe(K.LAYOUT_VERSION);
  } finally {
    await store.close();
  }
});

test('when Redis has lost its scripts (a restart), then the grant round trip and the usage read load them and still answer', async () => {
  const { store } = await newStore();
  // Both go in one pipeline written at once (send-now.ts): a NOSCRIPT there is sent again as EVAL.
  await admin.script('FLUSH');
  const s = makeSession();
  expect(await store.grantSession(s, { seconds: 900, expiresAt: inAnHour() })).toBe(true);
  await admin.script('FLUSH');
  expect(await store.getUsage(s.day, s.pseudonym)).toBe(900);
  expect(await store.getSession(s.id)).toEqual(s);
  expect((await store.listSessions(s.gatewayId)).map((r) => r.id)).toEqual([s.id]);
  await store.close();
});
