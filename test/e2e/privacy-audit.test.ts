// The privacy audit over four days, as an auditor would run it: devices with known IPv4/IPv6
// addresses and MACs through the real app (addresses injected), on SQLite and on a Redis of the
// test's own with AOF and RDB on; the jobs run as the server runs them, on a faked clock. Every
// byte of every file (DATA_DIR, KEYS_DIR, a copy of DATA_DIR, a backup, Redis's AOF and RDB) and
// the logs are searched for every identifier in every spelling; every sealed value found is tried
// with every key left on disk; every device's pseudonym is computed under every day key left.
import fs from 'node:fs';
import path from 'node:path';
import { configSchema } from '../../src/config/schema';
import { ADDRESS_FORGOTTEN_WITHIN_MS, RESEAL_EVERY_MS } from '../../src/privacy/day-keys';
import { backupStore } from '../../src/store/backup-cli';
import { keysLeft, openWithAny, pseudonymsUnder, sealedValues } from '../helpers/key-audit';
import { copyWithoutKeys, filesUnder, findLeaks, redisHaystacks, type Haystack } from '../helpers/leak-search';
import { startPersistentRedis, type PersistentRedis } from '../helpers/persistent-redis';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';

const hex = (n: number) => n.toString(16).padStart(2, '0');
/**
 * Twelve devices: IPv4 with a MAC, IPv6 with a MAC, and one IPv4 without a MAC. Each with a MAC
 * also uses an IPv6 privacy address, which joins its session (one device, one session).
 */
const DEVICES = Array.from({ length: 12 }, (_, i) => ({
  ip: i % 4 === 3 ? `2001:db8:91::${(i + 1).toString(16)}` : `10.91.0.${10 + i}`,
  ...(i === 11 ? {} : { mac: `a4:5e:60:d1:${hex(i)}:${hex(0x30 + i * 7)}`, privacy: `2001:db8:91:0:a1b2:c3d4:e5f6:${hex(i)}` }),
}));
const IDENTIFIERS = DEVICES.flatMap((d) => [d.ip, ...(d.mac && d.privacy ? [d.mac, d.privacy] : [])]);
/** Every address an attacker would try for the IPv4 subnet, and the MACs known. */
const GUESSES = [...Array.from({ length: 256 }, (_, i) => `10.91.0.${i}`), ...DEVICES.map((d) => d.mac ?? d.ip)];
/** Which devices come on each of the four days (some return, some do not). */
const COMING = [[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [0, 1, 2, 3, 4, 5], [3, 4, 5, 6, 7, 8], [0, 1, 6, 7, 11]];
const DAY0 = Date.parse('2026-11-18T00:00:00Z');
const DAY_MS = 86_400_000;
const at = (day: number, hh: number, mm = 0) => DAY0 + day * DAY_MS + (hh * 60 + mm) * 60_000;
const dayName = (day: number) => new Date(DAY0 + day * DAY_MS).toISOString().slice(0, 10);

describe.each([
  ['sqlite', false],
  ['redis with AOF and RDB', true],
])('privacy audit over four days on %s', (_name, useRedis) => {
  let ctx: TestContext;
  let redis: PersistentRedis | undefined;
  const extra: Haystack[] = [];
  const scratch: string[] = [];

  afterAll(async () => {
    // Redis was stopped on purpose: what is left of the test's keys goes with its directory.
    await ctx?.close().catch(() => fs.rmSync(ctx.dataDir, { recursive: true, force: true }));
    await redis?.stop();
    for (const d of [...scratch, ...(redis ? [redis.dir] : [])]) fs.rmSync(d, { recursive: true, force: true });
  });

  /** Runs the periodic jobs as main.ts does, once per RESEAL_EVERY_MS, up to `until`. */
  async function runUntil(until: number): Promise<void> {
    while (ctx.clock.now() < until) {
      // With no session live, the jobs have nothing to do until the end but run once.
      const step = ctx.deps.sessions.live.size === 0 ? until : ctx.clock.now() + RESEAL_EVERY_MS;
      ctx.clock.set(Math.min(until, step));
      await ctx.deps.sessions.tick();
      await ctx.deps.sessions.reseal();
      await ctx.deps.sessions.pruneKeys();
      await ctx.deps.store.sweep(ctx.clock.now());
    }
  }

  /** Everything written: DATA_DIR (with KEYS_DIR), Redis's files and keyspace, logs, copies taken earlier. */
  async function everything(): Promise<Haystack[]> {
    const out = [...filesUnder(ctx.dataDir), { where: 'logs', data: ctx.logs.join('') }, ...extra];
    return redis ? [...out, ...(await redisHaystacks(redis))] : out;
  }

  const opened = async () => openWithAny(sealedValues(await everything()), keysLeft(path.join(ctx.dataDir, 'keys')).addresses);

  it('when devices come and go for four days, then no identifier is written, nothing ended opens, and no device links across days', async () => {
    redis = useRedis ? await startPersistentRedis() : undefined;
    ctx = await makeTestApp({ redis: useRedis, ...(redis ? { redisUrl: redis.url } : {}), now: new Date(at(0, 8)).toISOString() });
    const pseudonymsOf: Set<string>[] = [];

    for (let day = 0; day < 4; day++) {
      await runUntil(at(day, 9));
      const patrons = COMING[day]!.map((i) => new Patron(ctx.app, DEVICES[i]!.ip, DEVICES[i]!.mac));
      for (const [k, p] of patrons.entries()) {
        expect((await p.accept()).status).toBe(303);
        // The same device from its privacy address: its session, not a second one.
        const privacy = DEVICES[COMING[day]![k]!]!.privacy;
        if (privacy) expect((await new Patron(ctx.app, privacy, p.mac).accept()).status).toBe(303);
        ctx.clock.advance(30_000);
      }
      const sessions = (await ctx.deps.store.listSessions()).filter((s) => s.day === dayName(day));
      const today = new Set(sessions.map((s) => s.pseudonym));
      expect(today.size).toBe(patrons.length);
      expect(sessions.length).toBe(patrons.length);
      pseudonymsOf.push(today);

      // Linking: no key left on disk gives any device a pseudonym it had on an earlier day.
      const guessed = pseudonymsUnder(keysLeft(path.join(ctx.dataDir, 'keys')).days, GUESSES);
      for (let before = 0; before < day; before++) expect([...pseudonymsOf[before]!].filter((p) => guessed.has(p) || today.has(p))).toEqual([]);

      await runUntil(at(day, 9, 30));
      // Mid-morning, sessions live: a copy of DATA_DIR without KEYS_DIR, and a backup, kept for later.
      const copy = fs.mkdtempSync(path.join(path.dirname(ctx.dataDir), 'threshold-copy-'));
      scratch.push(copy);
      extra.push(...copyWithoutKeys(ctx.dataDir, path.join(ctx.dataDir, 'keys'), copy));
      if (!useRedis) {
        const file = path.join(copy, 'backup.db');
        await backupStore(configSchema.parse({ dataDir: ctx.dataDir }), file);
        extra.push({ where: 'threshold backup', data: fs.readFileSync(file) });
      }
      expect(findLeaks(IDENTIFIERS, await everything())).toEqual([]);

      // Half log out, the rest run out of time; one device stays on across midnight.
      for (const p of patrons.filter((_, k) => k % 2 === 0)) await p.submit('/status', '/logout');
      await runUntil(at(day, 11));
      expect(await ctx.deps.store.listSessions(ctx.deps.config.gatewayId)).toEqual([]);
      expect(await opened()).toEqual([]);

      const lateComer = patrons[1]!;
      await runUntil(at(day, 23, 30));
      await lateComer.accept();
      await runUntil(at(day + 1, 0, 45));
      expect(await opened()).toEqual([]);
      // The day is over and its last session ended: its usage records are gone from the store.
      for (const p of today) expect(await ctx.deps.store.getUsage(dayName(day), p)).toBe(0);
      expect(ctx.deps.keys.days()).not.toContain(dayName(day));
    }

    // After the last day, with the store stopped too: still nothing, in any file.
    await runUntil(at(4, 9) + ADDRESS_FORGOTTEN_WITHIN_MS);
    const last = await everything();
    await redis?.stop();
    const all = [...last, ...(redis ? filesUnder(redis.dir) : [])];
    expect(findLeaks(IDENTIFIERS, all)).toEqual([]);
    expect(openWithAny(sealedValues(all), keysLeft(path.join(ctx.dataDir, 'keys')).addresses)).toEqual([]);
    // Sealed values were found, so the search does look where they are.
    expect(sealedValues(all).length).toBeGreaterThan(0);
    const guessed = pseudonymsUnder(keysLeft(path.join(ctx.dataDir, 'keys')).days, GUESSES);
    for (const day of pseudonymsOf) expect([...day].filter((p) => guessed.has(p))).toEqual([]);
    if (!useRedis) {
      // SQLite keeps no record of an earlier day: WAL truncated, deleted rows zeroed.
      const db = filesUnder(ctx.dataDir).filter((h) => h.where.includes('threshold.db'));
      for (const day of pseudonymsOf) for (const p of day) expect(db.filter((h) => (h.data as Buffer).includes(p)).map((h) => h.where)).toEqual([]);
    }
  }, 300_000);
});
