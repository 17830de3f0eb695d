// The privacy audit: run the whole flow for several clients, then search every file under
// DATA_DIR (SQLite file, WAL and KEYS_DIR), every Redis key and value, and the logs for their
// raw IPs and MACs, in every form an operator could read back. None may be found; and once the
// sessions ended, no sealed value opens with any key left. (The four-day audit with Redis AOF
// and RDB is test/e2e/privacy-audit.test.ts.)
import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';
import { filesUnder, findLeaks, type Haystack } from '../helpers/leak-search';
import { keysLeft, openWithAny, sealedValues } from '../helpers/key-audit';
import { ADDRESS_FORGOTTEN_WITHIN_MS, RESEAL_EVERY_MS } from '../../src/privacy/day-keys';

const CLIENTS = [
  { ip: '10.77.1.23', mac: 'a4:5e:60:d1:22:9f' },
  { ip: '10.77.1.24', mac: '3c:22:fb:07:8a:10' },
  { ip: '192.168.77.5' },
  { ip: '2001:db8:77::42', mac: 'f0:18:98:aa:bb:cc' },
];

function leaksIn(haystacks: Haystack[]): string[] {
  return findLeaks(CLIENTS.flatMap((c) => [c.ip, c.mac].filter((x): x is string => Boolean(x))), haystacks);
}

async function redisDump(ctx: TestContext): Promise<{ where: string; data: string }[]> {
  const redis = new Redis(process.env.TEST_REDIS_URL!);
  const out: { where: string; data: string }[] = [];
  try {
    for (const key of await redis.keys('*')) {
      const type = await redis.type(key);
      let value: unknown;
      if (type === 'string') value = await redis.get(key);
      else if (type === 'hash') value = await redis.hgetall(key);
      else if (type === 'set') value = await redis.smembers(key);
      else if (type === 'zset') value = await redis.zrange(key, '0', '-1', 'WITHSCORES');
      else if (type === 'list') value = await redis.lrange(key, 0, -1);
      out.push({ where: `redis ${key}`, data: key + JSON.stringify(value) });
    }
  } finally {
    redis.disconnect();
  }
  void ctx;
  return out;
}

async function runFlow(ctx: TestContext) {
  const patrons = CLIENTS.map((c) => new Patron(ctx.app, c.ip, c.mac));
  for (const p of patrons) expect((await p.accept()).status).toBe(303);
  for (const p of patrons) await p.page('/status');
  await patrons[0]!.submit('/status', '/extend');
  await patrons[1]!.submit('/status', '/logout');
  for (const p of patrons) await p.get('/generate_204');
  await ctx.deps.sessions.tick();
}

async function auditHaystacks(ctx: TestContext, redis: boolean): Promise<Haystack[]> {
  const haystacks: Haystack[] = filesUnder(ctx.dataDir);
  haystacks.push({ where: 'logs', data: ctx.logs.join('') });
  if (redis) haystacks.push(...(await redisDump(ctx)));
  return haystacks;
}

async function audit(ctx: TestContext, redis: boolean) {
  return leaksIn(await auditHaystacks(ctx, redis));
}

describe.each([
  ['sqlite', false],
  ['redis', true],
])('privacy audit with %s', (_name, redis) => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  it('when several patrons use the portal, then no raw IP or MAC is at rest or in the logs, during or after their sessions', async () => {
    ctx = await makeTestApp({ redis });
    await runFlow(ctx);
    expect(ctx.logs.length).toBeGreaterThan(0);
    expect(await audit(ctx, redis)).toEqual([]);
    // After every session has ended and the day keys are gone, nothing is left to decrypt either.
    ctx.clock.advance(3 * 86_400_000);
    await ctx.deps.sessions.tick();
    await ctx.deps.sessions.pruneKeys();
    await ctx.deps.store.sweep(ctx.clock.now());
    expect(await ctx.deps.store.listSessions()).toEqual([]);
    expect(await audit(ctx, redis)).toEqual([]);
  });

  it('when every session has ended, then the stated time later no sealed value anywhere opens with any key in KEYS_DIR', async () => {
    ctx = await makeTestApp({ redis });
    await runFlow(ctx);
    const during = sealedValues(await auditHaystacks(ctx, redis));
    expect(openWithAny(during, keysLeft(path.join(ctx.dataDir, 'keys')).addresses).length).toBeGreaterThan(0);
    for (const s of await ctx.deps.store.listSessions()) await ctx.deps.sessions.end(s.id, 'staff');
    for (let waited = 0; waited < ADDRESS_FORGOTTEN_WITHIN_MS; waited += RESEAL_EVERY_MS) {
      ctx.clock.advance(RESEAL_EVERY_MS);
      await ctx.deps.sessions.reseal();
    }
    const after = sealedValues(await auditHaystacks(ctx, redis));
    expect(openWithAny([...during, ...after], keysLeft(path.join(ctx.dataDir, 'keys')).addresses)).toEqual([]);
  });

  it('when the key file is written, then only Threshold can read it', async () => {
    ctx = await makeTestApp({ redis });
    await runFlow(ctx);
    const mode = fs.statSync(path.join(ctx.dataDir, 'keys', 'keys.json')).mode & 0o777;
    expect(fs.statSync(path.join(ctx.dataDir, 'keys')).mode & 0o777).toBe(0o700);
    expect(mode).toBe(0o600);
  });
});
