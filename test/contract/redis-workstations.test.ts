// What only Redis has for workstations: where the keys live (hash tags) and when they expire.
import crypto from 'node:crypto';
import { RedisStore } from '../../src/store/redis/store';
import { COMMAND_KEEP_MS, RETIRED_KEEP_MS } from '../../src/store/types';
import type { RedisClient } from '../../src/store/redis/connection';
import { connectTestRedis, deleteKeysWithPrefix, keysWithPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis';
import { makeReport, makeWorkstation } from '../helpers/workstations';

describe('RedisStore workstations', () => {
  let admin: RedisClient;
  let prefix: string;
  let store: RedisStore;
  beforeAll(async () => {
    admin = await connectTestRedis();
  });
  afterAll(async () => {
    await admin.quit();
  });
  beforeEach(async () => {
    prefix = uniquePrefix();
    store = new RedisStore({ url: testRedisUrl(), prefix });
    await store.init();
  });
  afterEach(async () => {
    await store.close();
    await deleteKeysWithPrefix(prefix);
  });

  // Every key but the store's layout version, which any store writes when it first starts.
  const keys = async () => (await keysWithPrefix(admin, prefix)).map((k) => k.slice(prefix.length)).filter((k) => k !== '{cfg}:layout');

  test('when a workstation reports and gets a command, then its keys share one tag and only the command hash expires', async () => {
    const ws = makeWorkstation({ name: 'pc-1' });
    await store.workstations.add(ws);
    await store.workstations.recordHealth('pc-1', [{ receivedAt: 1, report: makeReport() }], 1);
    await store.workstations.queueCommand({ id: 'c1', workstation: 'pc-1', kind: 'lock', status: 'pending', createdAt: Date.now() });
    await store.workstations.putCode({ codeHash: 'h1', zoneId: 'kiosks', createdAt: Date.now(), expiresAt: Date.now() + 60_000 });
    expect(await keys()).toEqual(['enrol:h1', 'workstations', `wstoken:${ws.tokenHash}`, '{ws:pc-1}:cmds', '{ws:pc-1}:health', '{ws:pc-1}:rec']);
    expect(await admin.pttl(`${prefix}enrol:h1`)).toBeGreaterThan(55_000);
    expect(await admin.pttl(`${prefix}{ws:pc-1}:cmds`)).toBeGreaterThan(COMMAND_KEEP_MS - 10_000);
    for (const k of ['{ws:pc-1}:rec', '{ws:pc-1}:health', `wstoken:${ws.tokenHash}`, 'workstations']) {
      expect({ k, pttl: await admin.pttl(prefix + k) }).toEqual({ k, pttl: -1 });
    }
  });

  test('when a workstation is retired, then its history and commands go and its record and token expire later', async () => {
    const ws = makeWorkstation({ name: 'pc-2', tokenHash: crypto.randomBytes(32).toString('base64url') });
    await store.workstations.add(ws);
    await store.workstations.recordHealth('pc-2', [{ receivedAt: 1, report: makeReport() }], 1);
    await store.workstations.retire('pc-2', Date.now());
    expect(await keys()).toEqual(['workstations', `wstoken:${ws.tokenHash}`, '{ws:pc-2}:rec']);
    for (const k of ['{ws:pc-2}:rec', `wstoken:${ws.tokenHash}`]) {
      const pttl = await admin.pttl(prefix + k);
      expect(pttl).toBeGreaterThan(RETIRED_KEEP_MS - 10_000);
      expect(pttl).toBeLessThanOrEqual(RETIRED_KEEP_MS);
    }
  });
});
