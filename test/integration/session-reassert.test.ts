// After the store reconnects (or fails over), the gateway writes back the live sessions the
// store lost, so a write dropped by a demoted master comes back and nobody is logged out.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';
import { askNode, freePorts, spawnRedis, stopProcess, waitFor, waitForPong, type RedisProcess } from '../helpers/redis-processes';

describe('re-asserting live sessions after a reconnect', () => {
  let dir: string;
  let redis: RedisProcess;
  let ctx: TestContext | undefined;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-reassert-'));
    const [port] = await freePorts(1);
    redis = spawnRedis(dir, port!, []);
    await waitForPong([redis]);
  });
  afterAll(async () => {
    await ctx?.close();
    await stopProcess(redis);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('when the store lost live sessions and the connection comes back, then they are written back and the reconcile keeps them', async () => {
    ctx = await makeTestApp({ config: { redisUrl: `redis://127.0.0.1:${redis.port}` } });
    const patrons = Array.from({ length: 5 }, (_, i) => new Patron(ctx!.app, `10.0.0.${10 + i}`, `aa:bb:cc:dd:ee:${10 + i}`));
    for (const p of patrons) await p.accept();
    const ids = ctx.deps.sessions.live.all().map((s) => s.record.id);
    expect(ids).toHaveLength(5);
    // As if a master had acknowledged these writes and then been demoted: the store has lost them.
    for (const id of ids.slice(0, 3)) await ctx.deps.store.deleteSession(id);

    await askNode(redis.port, 'CLIENT', 'KILL', 'TYPE', 'normal');
    await waitFor('the lost sessions to be written back', async () => {
      const found = await Promise.all(ids.map((id) => ctx!.deps.store.getSession(id)));
      return found.every((s) => s !== undefined);
    }, [redis]);

    await ctx.deps.sessions.reconcile();
    expect(ctx.deps.sessions.live.all().map((s) => s.record.id).sort()).toEqual([...ids].sort());
    expect((await ctx.deps.store.listSessions(ctx.deps.config.gatewayId)).map((s) => s.id).sort()).toEqual([...ids].sort());
  });
});
