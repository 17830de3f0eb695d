// The sweep of every kind of expiring record, against SQLite, Redis, Redis Cluster and Sentinel:
// thousands of expired records go, live ones stay, and each kind takes several bounded batches
// (a statement or a script each) with the event loop let run between them.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { ManualClock } from '../../src/domain/clock';
import * as K from '../../src/store/redis/keys';
import { RedisStore } from '../../src/store/redis/store';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { COMMAND_HISTORY_LIMIT, COMMAND_KEEP_MS, RETIRED_KEEP_MS, type Store } from '../../src/store/types';
import { connectTestRedis, deleteKeysWithPrefix, testClusterUrl, testRedisUrl, testSentinelUrl, uniquePrefix } from '../helpers/redis';
import { makeWorkstation } from '../helpers/workstations';
import { makeSession } from './store.contract';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Expired records of each kind, and live ones. */
const EXPIRED = 2_100;
const LIVE = 15;
/** The batch size the sweep is given: small, so each kind needs many. */
const BATCH = 100;

const hash = () => crypto.randomBytes(24).toString('base64url');

/** Runs `fn` on 0..n-1, at most `width` at a time (Redis round trips overlap). */
async function each(n: number, fn: (i: number) => Promise<unknown>, width = 200): Promise<void> {
  for (let i = 0; i < n; i += width) await Promise.all(Array.from({ length: Math.min(width, n - i) }, (_, k) => fn(i + k)));
}

/**
 * Fills a store through its API, at `t0`: EXPIRED records of each kind that are past their expiry
 * at `t0 + 2 days`, and LIVE ones that are not. Returns the live workstations' and batches' counts.
 */
async function fill(store: Store, t0: number): Promise<{ workstations: number; batches: number }> {
  const gone = t0 + HOUR;
  const kept = t0 + 10 * DAY;
  await each(EXPIRED + LIVE, (i) => store.putSession(makeSession({ gatewayId: 'gw', zoneId: 'wifi', startedAt: t0, lastActivityAt: t0, endsAt: i < EXPIRED ? t0 + 60_000 : t0 + 3 * DAY })));
  const s = store.staff;
  await each(EXPIRED + LIVE, (i) => s.putConsoleSession(hash(), { username: `u${i % 7}`, createdAt: t0, lastSeenAt: t0 }, i < EXPIRED ? gone : kept));
  await each(EXPIRED + LIVE, (i) => s.addLoginFailure(`user${i}`, i < EXPIRED ? gone : kept));
  await each(EXPIRED, (i) => s.appendAudit({ id: hash(), at: t0, actor: 'ada', action: 'policy.update', target: 'wifi', detail: `d${i}` }, gone));
  await each(EXPIRED + LIVE, (i) => {
    const batch = { id: `b${i}`, createdAt: t0, createdBy: 'ada', count: 1, minutes: 60, validUntil: t0 + HOUR };
    return s.createPassBatch(batch, [hash()], i < EXPIRED ? gone : kept);
  });
  const w = store.workstations;
  await each(EXPIRED + LIVE, (i) => w.putCode({ codeHash: hash(), zoneId: 'kiosks', createdAt: t0, expiresAt: i < EXPIRED ? gone : kept }));
  // Retired long ago (their records expire within the hour), and active ones.
  await each(EXPIRED, async (i) => {
    const name = `old-${i}`;
    await w.add(makeWorkstation({ name, enrolledAt: t0 - RETIRED_KEEP_MS }));
    await w.retire(name, t0 - RETIRED_KEEP_MS + HOUR);
  });
  // Commands of a week ago on some active workstations (their history is capped per workstation), today's on others.
  const oldPcs = Math.ceil(EXPIRED / COMMAND_HISTORY_LIMIT);
  await each(oldPcs + LIVE, (i) => w.add(makeWorkstation({ name: `pc-${i}`, enrolledAt: t0 - 8 * DAY })));
  await each(oldPcs * COMMAND_HISTORY_LIMIT, (i) =>
    w.queueCommand({ id: `c${i}`, workstation: `pc-${i % oldPcs}`, kind: 'lock', status: 'pending', createdAt: t0 - COMMAND_KEEP_MS + HOUR }),
  );
  await each(LIVE, (i) => w.queueCommand({ id: `live${i}`, workstation: `pc-${oldPcs + i}`, kind: 'lock', status: 'pending', createdAt: t0 }));
  await each(EXPIRED + LIVE, (i) => store.queue.write(`z${i}`, 0, { day: '2026-12-03', next: 1, tickets: [] }, i < EXPIRED ? gone : kept));
  return { workstations: oldPcs + LIVE, batches: LIVE };
}

interface Subject {
  store: Store;
  clock: ManualClock;
  /** What the store still physically holds, by kind: expired and live. */
  holds(now: number): Promise<Record<string, { expired: number; live: number }>>;
  /** The kinds the sweep reports (onBatch), and the least number of batches each must take. */
  batchesAtLeast: Record<string, number>;
  close(): Promise<void>;
}

/** SQLite's tables with expiring rows that `fill` writes to. */
const SQLITE_TABLES = ['sessions', 'console_sessions', 'login_failures', 'audit_log', 'pass_batches', 'passes', 'enrolment_codes', 'workstation_commands', 'workstations', 'queue_zones'];

const dirs: string[] = [];

async function sqliteSubject(): Promise<Subject> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-sweep-'));
  dirs.push(dir);
  const file = path.join(dir, 'threshold.db');
  const clock = new ManualClock(Date.now());
  const store = new SqliteStore({ file, clock, checkpoints: false });
  await store.init();
  const db = new Database(file, { readonly: true });
  return {
    store,
    clock,
    async holds(now) {
      const out: Record<string, { expired: number; live: number }> = {};
      for (const t of SQLITE_TABLES) {
        out[t] = db
          .prepare<[number, number], { expired: number; live: number }>(`SELECT SUM(expires_at <= ?) AS expired, SUM(expires_at IS NULL OR expires_at > ?) AS live FROM ${t}`)
          .get(now, now)!;
        out[t] = { expired: out[t].expired ?? 0, live: out[t].live ?? 0 };
      }
      return out;
    },
    // A batch of at most BATCH rows per statement: EXPIRED rows take more than EXPIRED / BATCH.
    batchesAtLeast: Object.fromEntries(SQLITE_TABLES.map((t) => [t, Math.floor(EXPIRED / BATCH)])),
    async close() {
      db.close();
      await store.close();
    },
  };
}

function redisSubject(url: () => string): () => Promise<Subject> {
  return async () => {
    const prefix = uniquePrefix();
    const clock = new ManualClock(Date.now());
    const store = new RedisStore({ url: url(), prefix, clock });
    await store.init();
    const client = await connectTestRedis(url());
    const count = async (keys: string[], now: number) => {
      let expired = 0;
      let live = 0;
      for (const key of keys) {
        expired += await client.zcount(key, '-inf', now);
        live += await client.zcount(key, `(${now}`, '+inf');
      }
      return { expired, live };
    };
    const shards = (build: (n: number) => string) => K.ALL_SHARDS.map(build);
    return {
      store,
      clock,
      async holds(now) {
        return {
          'session index': await count(shards((n) => K.gatewaySessionsKey(prefix, n, 'gw')), now),
          'zone index': await count(shards((n) => K.gatewayZoneKey(prefix, n, 'gw', 'wifi')), now),
          workstations: await count([K.workstationsIndexKey(prefix)], now),
          'pass batches': await count([K.passBatchesKey(prefix)], now),
        };
      },
      // Sessions spread over the shards' indexes, about EXPIRED / SHARDS (131) each: more than one batch in most.
      batchesAtLeast: { 'session index': K.SHARDS * 1.5, 'zone index': K.SHARDS * 1.5, workstations: Math.floor(EXPIRED / BATCH), 'pass batches': Math.floor(EXPIRED / BATCH) },
      async close() {
        client.disconnect();
        await store.close();
        await deleteKeysWithPrefix(prefix, url());
      },
    };
  };
}

const subjects: [string, () => Promise<Subject>][] = [
  ['sqlite', sqliteSubject],
  ['redis', redisSubject(testRedisUrl)],
  ['redis-cluster', redisSubject(testClusterUrl)],
  ['redis-sentinel', redisSubject(testSentinelUrl)],
];

afterAll(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe.each(subjects)('sweep in bounded batches: %s', (_name, make) => {
  test(
    `when ${EXPIRED} records of each kind have expired, then the sweep removes them all, ${BATCH} at most per batch with a turn of the loop between, and keeps the live ones`,
    async () => {
      const subject = await make();
      try {
        const t0 = subject.clock.now();
        const live = await fill(subject.store, t0);
        const now = t0 + 2 * DAY;
        subject.clock.set(now);
        const before = await subject.holds(now);
        for (const [kind, held] of Object.entries(before)) {
          expect([kind, held.expired >= EXPIRED]).toEqual([kind, true]);
        }

        const batches = new Map<string, number[]>();
        let pauses = 0;
        await subject.store.sweep(now, {
          max: BATCH,
          pause: async () => void pauses++,
          onBatch: (kind, removed) => batches.set(kind, [...(batches.get(kind) ?? []), removed]),
        });

        const after = await subject.holds(now);
        for (const [kind, held] of Object.entries(after)) {
          expect([kind, held.expired]).toEqual([kind, 0]);
          expect([kind, held.live]).toEqual([kind, before[kind]!.live]);
        }
        for (const [kind, least] of Object.entries(subject.batchesAtLeast)) {
          const sizes = batches.get(kind) ?? [];
          expect([kind, sizes.length >= least]).toEqual([kind, true]);
          expect([kind, Math.max(...sizes) <= BATCH]).toEqual([kind, true]);
          expect([kind, sizes.reduce((a, n) => a + n, 0)]).toEqual([kind, before[kind]!.expired]);
        }
        expect(pauses).toBeGreaterThanOrEqual(Object.keys(subject.batchesAtLeast).length);
        // What the API shows is unchanged by the sweep.
        expect((await subject.store.workstations.list()).length).toBe(live.workstations);
        expect((await subject.store.staff.listPassBatches()).length).toBe(live.batches);
      } finally {
        await subject.close();
      }
    },
    120_000,
  );
});
