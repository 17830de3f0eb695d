// The periodic jobs at size: each walks its sessions in chunks and lets the event loop run
// between them (no timing: the proof is that other callbacks ran while a job was under way),
// and a job never overlaps itself.
import { CHUNK } from '../../src/jobs/chunks';
import { ADDRESS_EPOCH_MS } from '../../src/privacy/day-keys';
import { exclusive, periodicJobs } from '../../src/jobs/periodic-jobs';
import { createLogger } from '../../src/logger';
import { SESSION_GRACE_MS } from '../../src/store/types';
import { makeTestApp, type TestContext } from '../helpers/test-deps';

const SESSIONS = 6 * CHUNK;

/** How many times a setImmediate callback got to run while `job` was under way. */
async function turnsDuring(job: () => Promise<unknown>): Promise<number> {
  let turns = 0;
  let done = false;
  const spin = () => {
    if (done) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  await job();
  done = true;
  return turns;
}

async function withSessions(ctx: TestContext, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await ctx.deps.sessions.grant({ ip: `10.70.${i >> 8}.${i & 255}`, mac: `02:00:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}` });
    if (!r.ok) throw new Error(`grant ${i} refused: ${r.reason}`);
  }
}

describe.each([
  ['SQLite', false],
  ['Redis', true],
])('periodic jobs over many sessions (%s)', (_name, redis) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await makeTestApp({ redis });
    await withSessions(ctx, SESSIONS);
  }, 300_000);
  afterAll(() => ctx.close());

  test('when every job runs, then other callbacks run between its chunks', async () => {
    // Records long expired but not yet swept, for the sweep to delete.
    const [model] = (await ctx.deps.store.scanSessions(undefined, undefined, 1)).sessions;
    const past = ctx.clock.now() - SESSION_GRACE_MS - 1000;
    for (let i = 0; i < SESSIONS; i++) await ctx.deps.store.putSession({ ...model!, id: `expired${i}`, code: `X${String(i).padStart(5, '0')}`, gatewayId: 'gw9', endsAt: past });
    // A new address epoch, so the key rotation has every live session to re-seal.
    ctx.clock.advance(ADDRESS_EPOCH_MS);
    // The log summary writes one line of counts, whatever the number of sessions: nothing to walk.
    // The device addresses job walks the addresses the kernel noted (none without nftables), in chunks too.
    for (const job of periodicJobs(ctx.deps).filter((j) => j.name !== 'log summary' && j.name !== 'device addresses')) {
      expect({ job: job.name, yielded: (await turnsDuring(() => job.run())) >= SESSIONS / CHUNK - 1 }).toEqual({ job: job.name, yielded: true });
    }
    expect(ctx.deps.sessions.live.size).toBe(SESSIONS);
    expect(await ctx.deps.store.getSession('expired0')).toBeUndefined();
    // Thousands of store writes and three jobs over them: generous, for a busy machine.
  }, 180_000);

  test('when the live view lost its sessions, then reconcile reads them back a page at a time, yielding between pages', async () => {
    for (const s of ctx.deps.sessions.live.all()) ctx.deps.sessions.live.delete(s.record.id);
    expect(await turnsDuring(() => ctx.deps.sessions.reconcile())).toBeGreaterThanOrEqual(SESSIONS / CHUNK);
    expect(ctx.deps.sessions.live.size).toBe(SESSIONS);
  }, 120_000);

  test('when sessions were changed and ended elsewhere, then reconcile applies exactly that and keeps the rest', async () => {
    const [moved, gone] = (await ctx.deps.store.scanSessions(ctx.deps.config.gatewayId, undefined, 2)).sessions;
    await ctx.deps.store.putSession({ ...moved!, endsAt: moved!.endsAt + 600_000 });
    await ctx.deps.store.deleteSession(gone!.id);
    await ctx.deps.sessions.reconcile();
    expect(ctx.deps.sessions.live.byIdOf(moved!.id)?.record.endsAt).toBe(moved!.endsAt + 600_000);
    expect(ctx.deps.sessions.live.byIdOf(gone!.id)).toBeUndefined();
    expect(ctx.deps.sessions.live.size).toBe(SESSIONS - 1);
    // A reconcile of every session, page by page: as generous as the one above, for a busy machine.
  }, 120_000);
});

describe('a job that is still running', () => {
  test('when it is due again, then that run is skipped, and the next one after it ends runs', async () => {
    let runs = 0;
    let release!: () => void;
    const job = { name: 'slow', everyMs: 1000, run: () => new Promise<void>((r) => ((runs++), (release = r))) };
    const run = exclusive(job, createLogger('silent'));
    const first = run();
    expect(await run()).toBe(false);
    release();
    expect(await first).toBe(true);
    const third = run();
    release();
    expect(await third).toBe(true);
    expect(runs).toBe(2);
  });
});
