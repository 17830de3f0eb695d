// The staff sign-in limiter on the shared Redis: counts are there, the key that hashes the
// staff computer's address is not, so the address cannot be recovered from Redis alone.
import crypto from 'node:crypto';
import { makeStaffApp, StaffBrowser, type StaffContext } from '../helpers/staff';
import { connectTestRedis, keysWithPrefix } from '../helpers/redis';

describe('staff sign-in limiter key', () => {
  let ctx: StaffContext;
  afterEach(() => ctx?.close());

  it('when a sign-in fails on Redis, then no value in Redis turns the staff address into the limiter key', async () => {
    ctx = await makeStaffApp({ redis: true });
    const staffIp = '192.0.2.10';
    const res = await new StaffBrowser(ctx.staffApp, staffIp).login('nobody', 'wrong password here');
    expect(res.status).toBe(401);

    const admin = await connectTestRedis();
    try {
      const keys = await keysWithPrefix(admin, ctx.prefix);
      const limiterKeys = keys.filter((k) => k.includes('rl:staff-login:'));
      expect(limiterKeys).toHaveLength(1);
      const counted = limiterKeys[0]!.split('rl:staff-login:')[1]!;
      expect(counted).not.toContain(staffIp);

      // Every string Redis holds, under any key, tried as the HMAC key (raw and base64url-decoded).
      const values: string[] = [];
      for (const k of keys) {
        const type = await admin.type(k);
        if (type === 'string') values.push((await admin.get(k)) ?? '');
        if (type === 'hash') values.push(...Object.values(await admin.hgetall(k)));
        if (type === 'list') values.push(...(await admin.lrange(k, 0, -1)));
        if (type === 'set') values.push(...(await admin.smembers(k)));
        if (type === 'zset') values.push(...(await admin.zrange(k, '0', '-1')));
      }
      const tries = values.flatMap((v) => [Buffer.from(v), Buffer.from(v, 'base64url')]);
      for (const key of tries) expect(crypto.createHmac('sha256', key).update(staffIp).digest('base64url')).not.toBe(counted);
      expect(keys.some((k) => k.includes('secret:rate-limit-key'))).toBe(false);
    } finally {
      await admin.quit();
    }
  });
});
