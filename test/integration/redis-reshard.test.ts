// A live reshard of every slot holding a gateway's sessions, while patrons keep logging in
// through the portal: no patron sees an error, and every session they were given is in the store.
import { startCluster, type RedisClusterHa } from '../helpers/redis-ha';
import { reshardSlot, slotOwner, type Moved } from '../helpers/reshard';
import { askNode } from '../helpers/redis-processes';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';
import * as K from '../../src/store/redis/keys';
import type { SessionRecord } from '../../src/store/types';
import { makeSession } from '../contract/store.contract';

jest.setTimeout(180_000);
const GATEWAY = 'gw-move';
const mac = (i: number) => `02:00:00:01:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`;
const ip = (i: number) => `10.0.${2 + Math.floor(i / 250)}.${(i % 250) + 1}`;

describe('live resharding on Redis Cluster', () => {
  let cluster: RedisClusterHa;
  let ctx: TestContext | undefined;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await ctx?.close().catch(() => undefined);
    await cluster.stop();
  });

  test('when every slot of a gateway\'s shards is resharded during a burst of logins, then no patron gets an error and no session is lost', async () => {
    ctx = await makeTestApp({ redis: true, redisUrl: cluster.url, config: { gatewayId: GATEWAY } });
    const app = ctx.app;
    const masters = await cluster.masters();
    const slots = await Promise.all(K.ALL_SHARDS.map(async (n) => Number(await askNode(masters[0]!, 'CLUSTER', 'KEYSLOT', K.shardTag(n)))));

    // Some sessions before, so that every slot has keys to move.
    const results: { i: number; status: number; location: string | undefined }[] = [];
    let next = 0;
    const login = async () => {
      const i = next++;
      const res = await new Patron(app, ip(i), mac(i)).accept();
      results.push({ i, status: res.status, location: res.headers.location as string | undefined });
    };
    for (let k = 0; k < 48; k++) await login();

    let resharding = true;
    const burst = (async () => {
      // Eight patrons at a time, for as long as the reshard runs.
      const lanes = Array.from({ length: 8 }, async () => {
        while (resharding && next < 1500) await login();
      });
      await Promise.all(lanes);
    })();
    const moved: Moved[] = [];
    // Grants straight to the store in the slot on the move, while its keys are split (where
    // Redis answers a script TRYAGAIN): each is written, in time.
    const direct: SessionRecord[] = [];
    const grantsInShard = (shard: number) => async () => {
      const devices = Array.from({ length: 400 }, (_, i) => `direct-${i}`).filter((d) => K.shardOf(d) === shard).slice(0, 4);
      const sessions = devices.map((pseudonym) => makeSession({ gatewayId: GATEWAY, pseudonym, endsAt: ctx!.clock.now() + 3_600_000 }));
      direct.push(...sessions);
      const written = await Promise.all(sessions.map((s) => ctx!.deps.store.grantSession(s, { seconds: 60, expiresAt: ctx!.clock.now() + 86_400_000 })));
      expect(written).toEqual(sessions.map(() => true));
    };
    try {
      for (const [shard, slot] of slots.entries()) {
        const from = await slotOwner(masters[0]!, slot);
        const to = masters.find((p) => p !== from)!;
        moved.push(await reshardSlot(slot, from, to, masters, 300, grantsInShard(shard)));
      }
    } finally {
      resharding = false;
      await burst;
    }

    // Every slot moved to its new master, with keys in it, while logins went on.
    for (const m of moved) expect(await slotOwner(masters[0]!, m.slot)).toBe(m.to);
    expect(moved.reduce((a, m) => a + m.keys, 0)).toBeGreaterThan(48);
    const during = results.length - 48;
    expect(during).toBeGreaterThan(16);

    // No patron saw an error: each was let in (from the store, or locally and written through later).
    const refused = results.filter((r) => r.status !== 303 || r.location !== '/status');
    expect(refused).toEqual([]);

    // Every grant kept locally is written through, and every session given is in the store.
    const deadline = Date.now() + 60_000;
    while (ctx.deps.sessions.unwrittenGrants > 0 && Date.now() < deadline) {
      await ctx.deps.sessions.tick().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(ctx.deps.sessions.unwrittenGrants).toBe(0);
    const stored = await ctx.deps.store.listSessions(GATEWAY);
    expect(direct.length).toBeGreaterThan(16);
    expect(stored.length).toBe(results.length + direct.length);
    const again = await ctx.deps.store.scanSessions(GATEWAY, undefined, 5000);
    expect(again.sessions.length).toBe(results.length + direct.length);
  });
});
