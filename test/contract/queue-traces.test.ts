// A served, cancelled or abandoned ticket leaves nothing behind: neither the hash of its holder's
// key nor of its claim code is anywhere in the SQLite files (WAL included) after the sweep, nor
// anywhere in Redis's keyspace.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { keyHash, claimHash } from '../../src/queue/ticket-codes';
import { RedisStore } from '../../src/store/redis/store';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import type { Store } from '../../src/store/types';
import { filesUnder, findLeaks, redisContents } from '../helpers/leak-search';
import { connectTestRedis, deleteKeysWithPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis';
import { SteppingClock, addPcs, queueServiceOn, seen } from './queue.contract';

const MIN = 60_000;

/** Three tickets: one served at the PC, one cancelled by staff, one whose hold runs out. Returns what the store must not keep. */
async function serveCancelAbandon(store: Store): Promise<string[]> {
  const clock = new SteppingClock();
  const svc = queueServiceOn(store, clock);
  const t = await Promise.all([svc.take('kiosks'), svc.take('kiosks'), svc.take('kiosks')]);
  const secrets = t.flatMap((x) => (x.ok ? [keyHash(x.key), claimHash(x.claimCode)] : []));
  expect(secrets).toHaveLength(6);
  await addPcs(store, clock, ['pc-1']);
  const first = t.find((x) => x.ok && x.label === 'B-1');
  if (!first?.ok) throw new Error('no B-1');
  expect((await svc.claim('kiosks', 'pc-1', first.claimCode)).ok).toBe(true);
  expect(await svc.cancel('kiosks', 2)).toBe(true);
  await seen(store, clock, ['pc-1']);
  expect(await svc.holdAt('kiosks', 'pc-1')).toMatchObject({ label: 'B-3' });
  clock.skip(6 * MIN);
  await seen(store, clock, ['pc-1']);
  expect(await svc.holdAt('kiosks', 'pc-1')).toBeUndefined();
  expect((await store.queue.read('kiosks'))?.queue.tickets).toEqual([]);
  await store.sweep(Date.now());
  return secrets;
}

test('when tickets are served, cancelled and abandoned on SQLite, then no trace of them is in the database files', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-queue-'));
  const store = new SqliteStore({ file: path.join(dir, 'threshold.db') });
  await store.init();
  try {
    const secrets = await serveCancelAbandon(store);
    expect(findLeaks(secrets, filesUnder(dir))).toEqual([]);
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('when tickets are served, cancelled and abandoned on Redis, then no trace of them is in the keyspace', async () => {
  const prefix = uniquePrefix();
  const store = new RedisStore({ url: testRedisUrl(), prefix });
  await store.init();
  const client = await connectTestRedis();
  try {
    const secrets = await serveCancelAbandon(store);
    const ours = (await redisContents(client)).filter((h) => h.where.startsWith(`redis ${prefix}`));
    expect(ours.some((h) => h.where.includes('{q:kiosks}'))).toBe(true);
    expect(findLeaks(secrets, ours)).toEqual([]);
  } finally {
    await client.quit();
    await store.close();
    await deleteKeysWithPrefix([prefix]);
  }
});
