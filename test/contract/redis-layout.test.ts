// The one-time move from the single-slot layout ({gw:<id>} tags, untagged usage keys) to shards.
import { RedisStore } from '../../src/store/redis/store';
import * as K from '../../src/store/redis/keys';
import type { RedisClient } from '../../src/store/redis/connection';
import { connectTestRedis, deleteKeysWithPrefix, keysWithPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis';
import { makeSession } from './store.contract';

const HOUR = 3_600_000;
const prefixes: string[] = [];
let admin: RedisClient;

beforeAll(async () => {
  admin = await connectTestRedis();
});
afterAll(async () => {
  await deleteKeysWithPrefix(prefixes.splice(0));
  await admin.quit();
});

test('when a store starts on keys of the single-slot layout, then sessions and usage move to the shards once and nothing old is left', async () => {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  const s = makeSession({ gatewayId: 'gw1', code: 'BBBBBB' });
  const exp = K.sessionExpiresAt(s);
  const ttl = exp - Date.now();
  // What the version before shards wrote for one grant.
  await admin.set(`${prefix}{gw:gw1}:session:${s.id}`, JSON.stringify(s), 'PX', ttl);
  await admin.zadd(`${prefix}{gw:gw1}:sessions`, exp, s.id);
  await admin.zadd(`${prefix}{gw:gw1}:grants`, exp, s.id);
  await admin.zadd(`${prefix}{gw:gw1}:zone:${s.zoneId}`, exp, s.id);
  await admin.sadd(`${prefix}{gw:gw1}:zones`, s.zoneId);
  await admin.set(`${prefix}sid:${s.id}`, 'gw1', 'PX', ttl);
  await admin.set(`${prefix}code:${s.code}`, `gw1:${s.id}`, 'PX', ttl);
  await admin.zadd(`${prefix}gateways`, exp, 'gw1');
  await admin.hset(`${prefix}usage:${s.day}:${s.pseudonym}`, 't', '900', `g:${s.id}`, '900');
  await admin.pexpire(`${prefix}usage:${s.day}:${s.pseudonym}`, HOUR);
  await admin.set(`${prefix}usage:${s.day}:other-device`, '60', 'PX', HOUR);

  const store = new RedisStore({ url: testRedisUrl(), prefix });
  await store.init();
  try {
    expect(await store.getSession(s.id)).toEqual(s);
    expect(await store.findSessionByCode(s.code)).toEqual(s);
    expect(await store.listSessions('gw1')).toEqual([s]);
    expect(await store.countSessionsByZone([s.zoneId])).toEqual({ [s.zoneId]: 1 });
    expect(await store.getUsage(s.day, s.pseudonym)).toBe(900);
    expect(await store.getUsage(s.day, 'other-device')).toBe(60);
    // A replay of the grant made before the move charges nothing again.
    expect(await store.grantSession(s, { seconds: 900, expiresAt: Date.now() + HOUR })).toBe(false);
    expect(await store.getUsage(s.day, s.pseudonym)).toBe(900);
    const keys = (await keysWithPrefix(admin, prefix)).map((k) => k.slice(prefix.length));
    expect(keys.filter((k) => k.startsWith('{gw:') || k.startsWith('usage:'))).toEqual([]);
    expect(await admin.get(K.layoutKey(prefix))).toBe(K.LAYOUT_VERSION);
    expect(await admin.pttl(K.usageKey(prefix, s.day, s.pseudonym))).toBeGreaterThan(0);
  } finally {
    await store.close();
  }
  // A second start finds the version and moves nothing.
  await admin.set(`${prefix}{gw:gw1}:sessions`, 'left alone');
  const again = new RedisStore({ url: testRedisUrl(), prefix });
  await again.init();
  await again.close();
  expect(await admin.get(`${prefix}{gw:gw1}:sessions`)).toBe('left alone');
});
