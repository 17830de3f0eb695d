// /readyz is 503 exactly when this gateway cannot write its own records: on Redis Cluster when
// a master holding one of its shard slots is lost (not when a replica stops answering), and on SQLite when the disk is full.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { Cluster } from 'ioredis';
import { closeRedisClient } from '../../src/store/redis/connection';
import { shardTag } from '../../src/store/redis/keys';
import { makeStaffApp, type StaffContext } from '../helpers/staff';
import { connectTestRedis } from '../helpers/redis';
import { startCluster, type RedisClusterHa } from '../helpers/redis-ha';
import { waitFor } from '../helpers/redis-processes';

async function readyStatus(ctx: StaffContext): Promise<number> {
  return (await request(ctx.staffApp).get('/readyz')).status;
}

describe('/readyz on Redis Cluster', () => {
  let cluster: RedisClusterHa;
  let ctx: StaffContext | undefined;
  beforeAll(async () => {
    cluster = await startCluster();
  });
  afterAll(async () => {
    await ctx?.close();
    await cluster.stop();
  });

  test('when a replica is frozen, then ready; when a master holding one of this gateway\'s shards is killed, then 503 until its replica takes over', async () => {
    ctx = await makeStaffApp({ config: { redisUrl: cluster.url, gatewayId: 'gw-ready' } });
    expect(await readyStatus(ctx)).toBe(200);
    const admin = (await connectTestRedis(cluster.url)) as Cluster;
    // The gateway's records are spread over every shard slot; shard 0's master is one of theirs.
    const slot = Number(await admin.cluster('KEYSLOT', shardTag(0)));
    const ownPort = Number(String(admin.slots[slot]?.[0]).split(':')[1]);
    await closeRedisClient(admin);
    const masters = await cluster.masters();
    const other = cluster.procs.find((p) => !masters.includes(p.port))!;
    const own = cluster.procs.find((p) => p.port === ownPort)!;

    // A replica frozen (briefly): no write of this gateway waits for it.
    other.child.kill('SIGSTOP');
    try {
      expect(await readyStatus(ctx)).toBe(200);
    } finally {
      other.child.kill('SIGCONT');
    }

    own.child.kill('SIGKILL');
    expect(await readyStatus(ctx)).toBe(503);
    const survivors = cluster.procs.filter((p) => p !== own);
    await waitFor('/readyz to be 200 after the failover', async () => (await readyStatus(ctx!)) === 200, survivors, 60_000);
  }, 90_000);
});

const root = process.getuid?.() === 0;
(root ? describe : describe.skip)('/readyz on SQLite (needs root to mount a small tmpfs)', () => {
  let dir: string;
  let ctx: StaffContext | undefined;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]);
  });
  afterAll(async () => {
    await ctx?.close();
    execFileSync('umount', [dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('when the disk is full, then /readyz is 503; once there is room again, then 200', async () => {
    ctx = await makeStaffApp({ config: { dataDir: dir } });
    expect(await readyStatus(ctx)).toBe(200);
    const filler = path.join(dir, 'filler');
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'ignore' });
    } catch {
      // dd stops with "No space left on device": that is the point
    }
    expect(await readyStatus(ctx)).toBe(503);
    fs.rmSync(filler);
    expect(await readyStatus(ctx)).toBe(200);
  });
});
