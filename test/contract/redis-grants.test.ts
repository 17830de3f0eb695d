// What only the Redis store needs for grants: replays after the session ended, counter updates
// sent twice, usage totals written by older versions, and no CROSSSLOT-prone multi-slot script.
import { RedisStore } from '../../src/store/redis/store';
import * as K from '../../src/store/redis/keys';
import type { RedisClient } from '../../src/store/redis/connection';
import { connectTestRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis';
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
  const grant = [K.sessionKey(p, n, s.id), K.gatewaySessionsKey(p, n, gw), K.gatewayGrantsKey(p, n, gw), K.gatewayZoneKey(p, n, gw, s.zoneId), K.gatewayZonesKey(p, n, gw), K.usageKey(p, s.day, s.pseudonym)];
  expect(new Set(grant.map(slotTag))).toEqual(new Set([K.shardTag(n)]));
  const shards = new Set(Array.from({ length: 400 }, (_, i) => K.shardOf(`device-${i}`)));
  expect(shards.size).toBe(K.SHARDS);
  expect(slotTag(K.statsOpKey(p, 'op'))).toBe(slotTag(K.statsRowKey(p, 'wifi', 0)));
});
