// The staff keys in Redis: hash tags for keys written together, TTLs on everything but accounts
// and secrets, and the rate-limit store shared through Redis.
import { RedisStore } from '../../src/store/redis/store';
import { connectTestRedis, deleteKeysWithPrefix, keysWithPrefix, testRedisUrl, uniquePrefix } from '../helpers/redis';

const HOUR = 3_600_000;

describe('RedisStore staff keys', () => {
  const prefix = uniquePrefix();
  afterAll(() => deleteKeysWithPrefix(prefix));

  it('when every kind of staff record is written, then tags group them and only accounts, secrets and the layout version never expire', async () => {
    const store = new RedisStore({ url: testRedisUrl(), prefix });
    await store.init();
    const admin = await connectTestRedis();
    try {
      const s = store.staff;
      const now = Date.now();
      await s.addAccount({ username: 'ada', role: 'admin', passwordHash: 'h', createdAt: now, updatedAt: now });
      await s.putConsoleSession('tok', { username: 'ada', createdAt: now, lastSeenAt: now }, now + HOUR);
      await s.addLoginFailure('ada', now + HOUR);
      await s.appendAudit({ id: 'a1', at: now, actor: 'ada', action: 'x', target: 'y', detail: 'z' }, now + HOUR);
      await s.ensureSecret('pass-code-hmac', 'secret');
      await s.createPassBatch({ id: 'b1', createdAt: now, createdBy: 'ada', count: 1, minutes: 5, validUntil: now + HOUR }, ['hash1'], now + HOUR);
      const limiter = s.sharedRateLimit('staff-login');
      limiter.init?.({ windowMs: HOUR } as never);
      await limiter.increment('client-hash');

      const keys = (await keysWithPrefix(admin, prefix)).map((k) => k.slice(prefix.length));
      expect(keys.sort()).toEqual(
        [
          '{cfg}:layout',
          '{cfg}:secret:pass-code-hmac',
          '{passes}:batch:b1',
          '{passes}:batch:b1:hashes',
          '{passes}:batches',
          '{passes}:pass:hash1',
          '{staff}:account:ada',
          '{staff}:accounts',
          '{staff}:audit',
          '{staff}:failures:ada',
          '{staff}:session:tok',
          '{staff}:sessions-of:ada',
          'rl:staff-login:client-hash',
        ].sort(),
      );
      for (const k of keys) {
        const pttl = await admin.pttl(prefix + k);
        const forever = k.startsWith('{staff}:account') || k.startsWith('{cfg}:secret') || k === '{cfg}:layout';
        expect({ k, expires: pttl > 0 }).toEqual({ k, expires: !forever });
      }
      // The rate limit counts through Redis, so every gateway sees the same count.
      const other = new RedisStore({ url: testRedisUrl(), prefix });
      await other.init();
      const shared = other.staff.sharedRateLimit('staff-login');
      shared.init?.({ windowMs: HOUR } as never);
      expect((await shared.increment('client-hash')).totalHits).toBe(2);
      await other.close();
    } finally {
      await admin.quit();
      await store.close();
    }
  });
});
