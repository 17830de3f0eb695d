// Desk passes: staff print one (or a few) at the desk; each gives its minutes beyond today's
// allowance, once, until midnight, in any zone (the pass form of a pass zone, the splash or the
// "time used up" page of a click-through zone), on any gateway sharing the store. The audit log
// names no code and no device; the codes are in no store file, Redis key or log line.
import path from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_FILE } from '../../src/store/registry';
import { filesUnder, findLeaks, redisContents, type Haystack } from '../helpers/leak-search';
import { auditInEnglish, makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { connectTestRedis } from '../helpers/redis';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';

const ZONES = {
  zones: [
    { id: 'wifi', name: 'Wi-Fi', subnets: ['10.4.0.0/16'], policy: { sessionMinutes: 60, dailyMinutes: 60 } },
    { id: 'kiosk', name: 'Kiosks', subnets: ['10.5.0.0/16'], policy: { sessionMinutes: 60, dailyMinutes: 60, accessMode: 'pass' } },
  ],
};
const CARD = /<p class="pass-code">([2-9A-Z]{4}-[2-9A-Z]{4})<\/p>/g;

/** A patron whose hour today is used up, on the "time used up" page. */
async function usedUp(ctx: TestContext, p: Patron): Promise<void> {
  await p.accept();
  ctx.clock.advance(61 * 60_000);
  await ctx.deps.sessions.tick();
  expect((await p.accept()).text).toContain('Your time for today is used up');
}

async function printDeskPasses(ctx: StaffContext, count: number, minutes: number): Promise<string[]> {
  const staff = await signedIn(ctx, 'sam', 'staff');
  const form = await staff.get('/staff/passes/desk');
  expect(form.text).toContain('Print a desk pass');
  const sheet = await staff.submit('/staff/passes/desk', '/staff/passes/desk', { count: String(count), minutes: String(minutes) });
  expect(sheet.status).toBe(200);
  expect(sheet.text).toContain('Desk pass: extra time today');
  return [...sheet.text.matchAll(CARD)].map((m) => m[1]!);
}

describe.each([
  ['sqlite', false],
  ['redis', true],
])('desk passes, with %s', (_name, redis) => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when a patron whose day is used up types a desk pass on the time-up page, then they are online for its minutes beyond the allowance, once', async () => {
    ctx = await makeStaffApp({ redis, config: ZONES });
    const patron = new Patron(ctx.app, '10.4.0.7', '02:00:00:00:04:07');
    await usedUp(ctx, patron);
    const codes = await printDeskPasses(ctx, 2, 45);
    expect(codes).toHaveLength(2);
    expect(new Set(codes).size).toBe(2);

    // The time-up page has the desk pass form; the code is typed as on the card, in any case.
    const page = await patron.accept();
    expect(page.text).toContain('Have a desk pass from library staff?');
    const online = await patron.submit('/', '/redeem', { code: codes[0]!.toLowerCase() });
    expect([online.status, online.headers.location]).toEqual([303, '/status']);
    expect(ctx.deps.sessions.secondsLeft(ctx.deps.sessions.lookup('10.4.0.7')!)).toBe(45 * 60);

    // Used once: after that session, the same code is refused with a message to act on.
    await patron.submit('/status', '/logout');
    const again = await patron.submit('/', '/redeem', { code: codes[0]! });
    expect(again.status).toBe(400);
    expect(again.text).toContain('This desk pass has already been used');
    expect(again.text).toContain('Your time for today is used up');
    expect(again.text).toContain('aria-invalid="true"');

    // Audited without the code or the device; the codes are in no store file, key or log line.
    const audit = await ctx.deps.store.staff.listAudit(10);
    expect(auditInEnglish(audit.find((e) => e.action === 'passes.desk-pass')!.detail)).toBe("printed 2 desk passes of 45 minutes beyond today's allowance");
    const haystacks: Haystack[] = [{ where: 'audit', data: JSON.stringify(audit) }, { where: 'logs', data: ctx.logs.join('') }, ...filesUnder(ctx.dataDir)];
    if (redis) {
      const client = await connectTestRedis();
      try {
        haystacks.push(...(await redisContents(client)));
      } finally {
        await client.quit();
      }
    }
    expect(findLeaks([...codes, ...codes.map((c) => c.replace('-', '')), '10.4.0.7', '02:00:00:00:04:07'], haystacks)).toEqual([]);
    const batches = await ctx.deps.staff.passes.list();
    expect(batches.map((b) => [b.label, b.count, b.used])).toEqual([['Desk pass', 2, 1]]);
  });

  it('when a desk pass is typed in a pass zone, then the normal pass form takes it and gives its time beyond the allowance', async () => {
    ctx = await makeStaffApp({ redis, config: ZONES });
    const [code] = await printDeskPasses(ctx, 1, 20);
    const patron = new Patron(ctx.app, '10.5.0.9');
    const splash = await patron.page('/');
    expect(splash.text).toContain('name="code"');
    expect(splash.text).not.toContain('Have a desk pass');
    const res = await patron.submit('/', '/redeem', { code: code! });
    expect([res.status, res.headers.location]).toEqual([303, '/status']);
    expect(ctx.deps.sessions.secondsLeft(ctx.deps.sessions.lookup('10.5.0.9')!)).toBe(20 * 60);
  });

  it('when a desk pass is from another day, unknown, or a batch pass typed where no pass is needed, then the page says so in the patron\'s language', async () => {
    ctx = await makeStaffApp({ redis, config: ZONES, now: '2026-11-18T20:00:00Z' });
    const [code] = await printDeskPasses(ctx, 1, 30);
    const staff = await signedIn(ctx, 'ada', 'staff');
    const batch = await staff.submit('/staff/passes', '/staff/passes', { count: '1', minutes: '30', validUntil: '2026-11-20' });
    const batchCode = /<p class="pass-code">([A-Z0-9-]+)<\/p>/.exec(batch.text)![1]!;
    const patron = new Patron(ctx.app, '10.4.0.20');

    // On the splash (the day not used up): a code of neither kind, then a batch pass.
    for (const typed of ['ABCD-EFG', batchCode]) {
      const res = await patron.submit('/', '/redeem', { code: typed });
      expect([typed, res.status]).toEqual([typed, 400]);
      expect(res.text).toContain('We do not recognise this desk pass. Check the 8 characters');
      expect(res.text).toContain('<details class="desk-pass" open>');
    }
    const empty = await patron.submit('/', '/redeem', { code: '  ' });
    expect([empty.status, empty.text.includes('Type the code printed on your pass.')]).toEqual([400, true]);

    // The next day, the pass has expired: said in Spanish, French and Arabic too.
    ctx.clock.set(Date.parse('2026-11-19T09:00:00Z'));
    const said = { en: 'This desk pass was for another day', es: 'Este pase de mostrador era para otro día', fr: 'Ce pass d’accueil était pour un autre jour', ar: 'كان تصريح المكتب هذا ليوم آخر' };
    for (const [i, [lang, text]] of Object.entries(said).entries()) {
      // (A patron each: five wrong codes from one device are the rate limit.)
      const res = await new Patron(ctx.app, `10.4.0.${30 + i}`).submit(`/?lang=${lang}`, `/redeem?lang=${lang}`, { code: code! });
      expect([lang, res.status, res.text.includes(text)]).toEqual([lang, 400, true]);
    }
    expect(ctx.deps.sessions.lookup('10.4.0.20')).toBeUndefined();
  });

  it('when staff revoke the unused desk passes of a batch, then a patron with one reads that staff cancelled it', async () => {
    ctx = await makeStaffApp({ redis, config: ZONES });
    const [code] = await printDeskPasses(ctx, 1, 30);
    const [batch] = await ctx.deps.staff.passes.list();
    const staff = await signedIn(ctx, 'ada', 'staff');
    expect((await staff.submit('/staff/passes', `/staff/passes/${batch!.id}/revoke`)).status).toBe(303);
    const res = await new Patron(ctx.app, '10.4.0.40').submit('/', '/redeem', { code: code! });
    expect([res.status, res.text.includes('Library staff have cancelled this desk pass.')]).toEqual([400, true]);
  });

  it('when staff choose minutes or a count out of range, then the form says what to enter and nothing is printed', async () => {
    ctx = await makeStaffApp({ redis, config: ZONES });
    const staff = await signedIn(ctx, 'sam', 'staff');
    const cases: [Record<string, string>, string][] = [
      [{ count: '1', minutes: '10' }, 'Enter the minutes each desk pass gives, from 15 to 60.'],
      [{ count: '1', minutes: '61' }, 'Enter the minutes each desk pass gives, from 15 to 60.'],
      [{ count: '6', minutes: '30' }, 'Enter how many desk passes to print, from 1 to 5.'],
      [{ count: 'x', minutes: '30' }, 'Enter how many desk passes to print, from 1 to 5.'],
    ];
    for (const [fields, message] of cases) {
      const res = await staff.submit('/staff/passes/desk', '/staff/passes/desk', fields);
      expect([res.status, res.text.includes(message)]).toEqual([400, true]);
    }
    expect(await ctx.deps.store.staff.listPassBatches()).toEqual([]);
  });
});

describe('desk passes across gateways sharing one Redis', () => {
  const open: TestContext[] = [];
  afterEach(async () => {
    for (const c of open.splice(0)) await c.close();
  });

  it('when one branch prints desk passes, then a patron at another branch is online with one, and the other code is refused there once used at the first', async () => {
    const a = await makeStaffApp({ redis: true, config: { ...ZONES, gatewayId: 'branch-a' } });
    open.push(a);
    const b = await makeTestApp({ redis: true, prefix: a.prefix, config: { ...ZONES, gatewayId: 'branch-b' } });
    open.push(b);
    const codes = await printDeskPasses(a, 2, 15);
    const atB = new Patron(b.app, '10.4.1.1', '02:00:00:00:41:01');
    await usedUp(b, atB);
    const res = await atB.submit('/', '/redeem', { code: codes[0]! });
    expect([res.status, res.headers.location]).toEqual([303, '/status']);
    expect(b.deps.sessions.secondsLeft(b.deps.sessions.lookup('10.4.1.1')!)).toBe(15 * 60);
    expect((await new Patron(a.app, '10.4.1.2').submit('/', '/redeem', { code: codes[1]! })).status).toBe(303);
    const late = await new Patron(b.app, '10.4.1.3').submit('/', '/redeem', { code: codes[1]! });
    expect([late.status, late.text.includes('This desk pass has already been used')]).toEqual([400, true]);
  });
});

describe('what a desk pass leaves behind', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when a desk pass is a week past its day, then on SQLite its batch and hashes are swept and not a byte of a hash is left in the store files', async () => {
    ctx = await makeStaffApp({ config: ZONES });
    await printDeskPasses(ctx, 2, 30);
    const db = new Database(path.join(ctx.dataDir, SQLITE_FILE), { readonly: true });
    const hashes = (db.prepare('SELECT hash FROM passes').all() as { hash: string }[]).map((r) => r.hash);
    const [batch] = db.prepare('SELECT id, valid_until FROM pass_batches').all() as { id: string; valid_until: number }[];
    db.close();
    expect(hashes).toHaveLength(2);
    // Swept only once the batch has been listed for its week after the day.
    ctx.clock.set(batch!.valid_until + 7 * 86_400_000 - 60_000);
    await ctx.deps.store.sweep(ctx.clock.now());
    expect((await ctx.deps.staff.passes.list()).map((b) => b.id)).toEqual([batch!.id]);
    ctx.clock.set(batch!.valid_until + 7 * 86_400_000 + 60_000);
    await ctx.deps.store.sweep(ctx.clock.now());
    expect(await ctx.deps.staff.passes.list()).toEqual([]);
    // (The batch id stays in the audit log, which names no code and no device, for its own retention.)
    const files = filesUnder(ctx.dataDir);
    expect(files.length).toBeGreaterThan(0);
    for (const h of hashes) for (const f of files) expect([h, f.where, (f.data as Buffer).includes(h)]).toEqual([h, f.where, false]);
  });

  it('when a desk pass is printed on Redis, then each of its keys expires a week after its day at the latest', async () => {
    ctx = await makeStaffApp({ redis: true, config: ZONES });
    await printDeskPasses(ctx, 2, 30);
    const [batch] = await ctx.deps.staff.passes.list();
    const client = await connectTestRedis();
    try {
      const keys = (await client.keys(`${ctx.prefix}{passes}*`)).filter((k) => !k.endsWith('{passes}:batches'));
      expect(keys).toHaveLength(2 + 2);
      const latest = batch!.validUntil + 7 * 86_400_000 - ctx.clock.now();
      for (const k of keys) {
        const ttl = await client.pttl(k);
        expect([k, ttl > 0 && ttl <= latest]).toEqual([k, true]);
      }
    } finally {
      await client.quit();
    }
  });
});
