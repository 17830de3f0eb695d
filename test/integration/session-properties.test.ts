// A property test of session changes (fast-check): random batches of grant, extend, log out,
// staff extend, staff end and expiry from many devices, each batch fired at once, on SQLite and
// a real Redis. After every batch: an ended session is never online again, usage stays within
// 0 and the allowance plus one session, and the firewall holds exactly the live sessions.
import fc from 'fast-check';
import { makeTestApp, type TestContext } from '../helpers/test-deps';

const MIN = 60_000;
const SESSION_MIN = 20;
const DAILY_MIN = 60;
const DEVICES = 5;
const config = {
  zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['0.0.0.0/0'], policy: { sessionMinutes: SESSION_MIN, dailyMinutes: DAILY_MIN, idleMinutes: 0 } }],
};
const device = (n: number) => ({ ip: `10.80.0.${n + 1}`, mac: `02:00:00:00:80:${String(n + 1).padStart(2, '0')}` });

type Command =
  | { op: 'grant' | 'extend' | 'logout' | 'staff-end'; dev: number }
  | { op: 'staff-extend'; dev: number; minutes: 15 | 30 }
  | { op: 'time'; minutes: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ op: fc.constantFrom('grant' as const, 'extend' as const, 'logout' as const, 'staff-end' as const), dev: fc.nat(DEVICES - 1) }),
  fc.record({ op: fc.constant('staff-extend' as const), dev: fc.nat(DEVICES - 1), minutes: fc.constantFrom(15 as const, 30 as const) }),
  fc.record({ op: fc.constant('time' as const), minutes: fc.integer({ min: 1, max: 25 }) }),
);

/** Starts one command; time moves at once, the sweep that follows runs alongside the others. */
function run(ctx: TestContext, c: Command): Promise<unknown> {
  const s = ctx.deps.sessions;
  if (c.op === 'time') {
    ctx.clock.advance(c.minutes * MIN);
    return s.tick();
  }
  const { ip, mac } = device(c.dev);
  const code = s.lookup(ip)?.record.code;
  switch (c.op) {
    case 'grant':
      return s.grant({ ip, mac });
    case 'extend':
      return s.extend(ip);
    case 'logout':
      return s.logout(ip);
    case 'staff-end':
      return code ? ctx.deps.staff.live.end('sam', code) : Promise.resolve();
    case 'staff-extend':
      return code ? ctx.deps.staff.live.extend('sam', code, c.minutes) : Promise.resolve();
  }
}

async function checkInvariants(ctx: TestContext, ended: Set<string>): Promise<void> {
  const s = ctx.deps.sessions;
  const now = ctx.clock.now();
  for (const id of ended) {
    expect({ id, live: s.live.byIdOf(id) !== undefined }).toEqual({ id, live: false });
    expect({ id, stored: (await ctx.deps.store.getSession(id)) !== undefined }).toEqual({ id, stored: false });
  }
  // The firewall holds every running session, for no longer than it has left (at least the
  // kernel's 1 s), and nothing else; a session that ran out is revoked by the next sweep.
  const live = s.live.all().filter((x) => x.record.endsAt > now);
  const held = await ctx.deps.firewall.list();
  expect(held.map((e) => e.ip).sort()).toEqual(live.map((x) => x.ip).sort());
  for (const e of held) {
    const x = live.find((l) => l.ip === e.ip)!;
    expect(e.expiresInSeconds).toBeLessThanOrEqual(Math.max(1, Math.ceil((x.record.endsAt - now) / 1000)));
  }
  for (const x of live) expect((await ctx.deps.store.getSession(x.record.id))?.endsAt).toBe(x.record.endsAt);
  const day = ctx.deps.keys.today();
  for (let n = 0; n < DEVICES; n++) {
    const used = await ctx.deps.store.getUsage(day, ctx.deps.keys.pseudonym(day, device(n).mac));
    expect(used).toBeGreaterThanOrEqual(0);
    expect(used).toBeLessThanOrEqual((DAILY_MIN + SESSION_MIN) * 60);
  }
}

describe.each([
  ['sqlite', false],
  ['redis', true],
])('session changes under random interleavings, on %s', (_name, redis) => {
  it('when grant, extend, log out, staff end, staff extend and expiry interleave, then the invariants hold after every batch', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(command, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 8 }), async (batches) => {
        // Starts at 10:00 on a day open all day, so no run crosses midnight.
        const ctx = await makeTestApp({ config, redis });
        try {
          const ended = new Set<string>();
          ctx.deps.sessions.onEnd((r) => ended.add(r.id));
          for (const batch of batches) {
            await Promise.all(batch.map((c) => run(ctx, c)));
            await checkInvariants(ctx, ended);
          }
          await ctx.deps.sessions.reconcile();
          await checkInvariants(ctx, ended);
        } finally {
          await ctx.close();
        }
      }),
      { numRuns: 25, interruptAfterTimeLimit: 20_000 },
    );
  }, 60_000);
});
