// POST /accept in one round trip: the grant is planned from the usage the splash page read and
// the store checks that total and the session code in the same step. When another branch
// charged the device meanwhile, a refund was made, or the code is taken, the patron still gets
// exactly what a fresh read would have given, charged once. On SQLite and on a real Redis.
import crypto from 'node:crypto';
import { CODE_ALPHABET, type RandomSource } from '../../src/privacy/random';
import { Patron, makeTestApp, type TestContext } from '../helpers/test-deps';

const MIN = 60_000;
const config = { zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['0.0.0.0/0'], policy: { sessionMinutes: 30, dailyMinutes: 180 } }] };
const mac = (n: number) => `02:00:00:00:71:${n.toString(16).padStart(2, '0')}`;
const ip = (n: number) => `10.71.0.${n}`;

/** The CSRF token of a page's form. */
function tokenOf(page: { status: number; text: string }): string {
  expect(page.status).toBe(200);
  return /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
}

/** Crypto randomness, except that the next 6-byte draws (session codes) can be forced. */
class ForcedCodes implements RandomSource {
  readonly codes: string[] = [];
  bytes(n: number): Buffer {
    const code = n === 6 ? this.codes.shift() : undefined;
    return code ? Buffer.from([...code].map((c) => CODE_ALPHABET.indexOf(c))) : crypto.randomBytes(n);
  }
}

describe.each([
  ['sqlite', false],
  ['redis', true],
])('one-round-trip grants on %s', (_name, redis) => {
  let ctx: TestContext;
  const random = new ForcedCodes();
  beforeEach(async () => {
    ctx = await makeTestApp({ config, redis, random });
  });
  afterEach(async () => {
    await ctx.close();
  });

  const usageKey = (n: number) => {
    const day = ctx.deps.keys.today();
    return { day, pseudonym: ctx.deps.keys.pseudonym(day, mac(n)) };
  };

  /** A device (past the first three) whose grant could draw `code` (on Redis: the code's shard is the device's). */
  const deviceFitting = (code: string) => {
    let n = 4;
    while (!(ctx.deps.store.codeFits?.(code, usageKey(n).pseudonym) ?? true)) n++;
    return n;
  };

  test('when another branch charged the device after its splash page was read, then the grant is planned again from the stored total', async () => {
    const p = new Patron(ctx.app, ip(1), mac(1));
    const token = tokenOf(await p.page('/'));
    const { day, pseudonym } = usageKey(1);
    await ctx.deps.store.addUsage(day, pseudonym, 170 * 60, ctx.clock.now() + 2 * 86_400_000);
    const res = await p.send(token, '/accept', { accept: 'yes' });
    expect([res.status, res.headers.location]).toEqual([303, '/status']);
    const live = ctx.deps.sessions.lookup(p.ip)!;
    // Ten minutes were left of the 180, not the 30 of a session.
    expect(live.record.endsAt - live.record.startedAt).toBe(10 * MIN);
    expect(await ctx.deps.store.getUsage(day, pseudonym)).toBe(180 * 60);
  });

  test('when the splash page said the day was used up and a refund was made since, then the patron is let in', async () => {
    const { day, pseudonym } = usageKey(2);
    const expires = ctx.clock.now() + 2 * 86_400_000;
    await ctx.deps.store.addUsage(day, pseudonym, 180 * 60, expires);
    const p = new Patron(ctx.app, ip(2), mac(2));
    const token = tokenOf(await p.page('/'));
    expect((await ctx.deps.sessions.grant({ ip: ip(2), mac: mac(2) })).ok).toBe(false);
    await ctx.deps.store.addUsage(day, pseudonym, -15 * 60, expires);
    const res = await p.send(token, '/accept', { accept: 'yes' });
    expect([res.status, res.headers.location]).toEqual([303, '/status']);
    const live = ctx.deps.sessions.lookup(p.ip)!;
    expect(live.record.endsAt - live.record.startedAt).toBe(15 * MIN);
    expect(await ctx.deps.store.getUsage(day, pseudonym)).toBe(180 * 60);
  });

  test('when the code drawn belongs to another live session, then the patron gets another code and is charged once', async () => {
    const first = await ctx.deps.sessions.grant({ ip: ip(3), mac: mac(3) });
    if (!first.ok) throw new Error('grant refused');
    const taken = first.session.record.code;
    const n = deviceFitting(taken);
    random.codes.push(taken);
    const second = await ctx.deps.sessions.grant({ ip: ip(n), mac: mac(n) });
    if (!second.ok) throw new Error('grant refused');
    expect(random.codes).toEqual([]);
    expect(second.session.record.code).not.toBe(taken);
    expect((await ctx.deps.store.findSessionByCode(taken))?.id).toBe(first.session.record.id);
    expect((await ctx.deps.store.findSessionByCode(second.session.record.code))?.id).toBe(second.session.record.id);
    const { day, pseudonym } = usageKey(n);
    expect(await ctx.deps.store.getUsage(day, pseudonym)).toBe(30 * 60);
    expect(await ctx.deps.store.listSessions()).toHaveLength(2);
  });

  test('when every try meets a taken code, then the patron gets "one moment" (503), nothing is written, and the next try goes through', async () => {
    const first = await ctx.deps.sessions.grant({ ip: ip(3), mac: mac(3) });
    if (!first.ok) throw new Error('grant refused');
    const taken = first.session.record.code;
    const n = deviceFitting(taken);
    const p = new Patron(ctx.app, ip(n), mac(n));
    const token = tokenOf(await p.page('/'));
    random.codes.push(taken, taken, taken, taken, taken);
    const res = await p.send(token, '/accept', { accept: 'yes' });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBeDefined();
    expect(random.codes).toEqual([]);
    expect(ctx.deps.sessions.lookup(ip(n))).toBeUndefined();
    const { day, pseudonym } = usageKey(n);
    expect(await ctx.deps.store.getUsage(day, pseudonym)).toBe(0);
    expect(await ctx.deps.store.listSessions()).toHaveLength(1);
    const again = await p.send(token, '/accept', { accept: 'yes' });
    expect([again.status, again.headers.location]).toEqual([303, '/status']);
  });
});
