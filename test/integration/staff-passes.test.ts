// Access passes: staff create a batch and print it once, revoke unused passes; patrons in a
// pass-required zone redeem a code at the splash page, once, with clear messages and a limit.
import fs from 'node:fs';
import path from 'node:path';
import { PASS_ATTEMPTS } from '../../src/portal/pass-routes';
import { makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';

const PASS_ZONE = { zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['0.0.0.0/0'], policy: { accessMode: 'pass', sessionMinutes: 60, dailyMinutes: 120 } }] };

async function createBatch(ctx: StaffContext, fields: Record<string, string> = {}) {
  const staff = await signedIn(ctx, `s${Math.random().toString(36).slice(2, 8)}`, 'staff');
  const res = await staff.submit('/staff/passes', '/staff/passes', { count: '3', minutes: '45', validUntil: '2026-11-25', ...fields });
  const codes = [...res.text.matchAll(/<p class="pass-code">([A-Z0-9-]+)<\/p>/g)].map((m) => m[1]!);
  return { staff, res, codes };
}

describe('creating and revoking passes', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when staff create a batch, then the sheet shows each code once, uncached, and the store keeps only hashes', async () => {
    ctx = await makeStaffApp();
    const { res, codes } = await createBatch(ctx, { count: '4' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(codes).toHaveLength(4);
    for (const c of codes) expect(c).toMatch(/^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
    expect(res.text).toContain('45 minutes · works once · until 2026-11-25');
    expect(res.text).toContain('This is the only time these 4 codes are shown');
    await ctx.deps.store.close();
    const file = fs.readFileSync(path.join(ctx.dataDir, 'threshold.db'));
    const wal = fs.existsSync(path.join(ctx.dataDir, 'threshold.db-wal')) ? fs.readFileSync(path.join(ctx.dataDir, 'threshold.db-wal')) : Buffer.alloc(0);
    for (const c of codes) {
      for (const form of [c, c.replace('-', '')]) {
        expect(file.includes(form)).toBe(false);
        expect(wal.includes(form)).toBe(false);
      }
    }
    await ctx.deps.store.init();
  });

  it('when the batch form is wrong, then each field says what it needs and the input is kept', async () => {
    ctx = await makeStaffApp();
    const { res } = await createBatch(ctx, { count: '0', minutes: 'an hour', validUntil: '2026-02-30' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Enter how many passes, from 1 to 200.');
    expect(res.text).toContain('Enter the minutes each pass gives, from 1 to 1440.');
    expect(res.text).toContain('Enter the last day the passes work, as a date (YYYY-MM-DD).');
    expect(res.text).toContain('value="an hour"');
    const past = await createBatch(ctx, { validUntil: '2026-11-01' });
    expect(past.res.text).toContain('Choose a day from today to 2027-11-19.');
    expect(await ctx.deps.staff.passes.list()).toEqual([]);
  });

  it('when a batch is revoked, then its unused passes stop working, used ones are counted, and both are audited', async () => {
    ctx = await makeStaffApp({ config: PASS_ZONE });
    const { staff, codes } = await createBatch(ctx);
    expect((await new Patron(ctx.app, '10.70.0.1').submit('/', '/redeem', { code: codes[0]! })).status).toBe(303);
    const [batch] = await ctx.deps.staff.passes.list();
    const res = await staff.submit('/staff/passes', `/staff/passes/${batch!.id}/revoke`);
    expect(res.headers.location).toBe('/staff/passes?revoked=2');
    const page = await staff.get('/staff/passes?revoked=2');
    expect(page.text).toContain('2 unused passes were revoked.');
    expect(await ctx.deps.staff.passes.list()).toMatchObject([{ count: 3, used: 1, revoked: 2 }]);
    const refused = await new Patron(ctx.app, '10.70.0.2').submit('/', '/redeem', { code: codes[1]! });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('This pass is no longer valid');
    expect((await ctx.deps.staff.audit.list(10)).map((e) => e.action)).toEqual(expect.arrayContaining(['passes.create', 'passes.revoke']));
  });

  it('when an unknown batch is revoked, then the answer is a 404', async () => {
    ctx = await makeStaffApp();
    const staff = await signedIn(ctx, 'sam', 'staff');
    expect((await staff.submit('/staff/passes', '/staff/passes/nope/revoke')).status).toBe(404);
  });
});

describe('redeeming a pass at the splash page', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when a zone requires a pass, then the splash page asks for the code instead of the accept button', async () => {
    ctx = await makeStaffApp({ config: PASS_ZONE });
    const page = await new Patron(ctx.app, '10.70.0.3').page('/');
    expect(page.text).toContain('Access code');
    expect(page.text).toContain('action="/redeem"');
    expect(page.text).not.toContain('action="/accept"');
  });

  it('when a patron tries the accept button in a pass zone, then no session starts and the page asks for the code', async () => {
    ctx = await makeStaffApp({ config: PASS_ZONE });
    const res = await new Patron(ctx.app, '10.70.0.4').submit('/', '/accept', { accept: 'yes' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('This network needs an access pass');
    expect(ctx.deps.sessions.lookup('10.70.0.4')).toBeUndefined();
  });

  it('when a right code is typed (any case, with or without the dash), then the patron is online for its minutes, once', async () => {
    ctx = await makeStaffApp({ config: PASS_ZONE });
    const { codes } = await createBatch(ctx);
    const typed = ` ${codes[0]!.replace('-', ' ').toLowerCase()} `;
    const res = await new Patron(ctx.app, '10.70.0.5').submit('/', '/redeem', { code: typed });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/status');
    const session = ctx.deps.sessions.lookup('10.70.0.5')!;
    expect(session.record.via).toBe('pass');
    expect(ctx.deps.sessions.secondsLeft(session)).toBe(45 * 60);
    const [row] = await ctx.deps.store.readStats(ctx.clock.now() - 3_600_000, ctx.clock.now() + 3_600_000);
    expect(row!.counts.passesRedeemed).toBe(1);
    const again = await new Patron(ctx.app, '10.70.0.6').submit('/', '/redeem', { code: codes[0]! });
    expect(again.status).toBe(400);
    expect(again.text).toContain('This code has already been used');
  });

  it('when a wrong code is typed, then the splash comes back with a clear message and the code as typed', async () => {
    ctx = await makeStaffApp({ config: PASS_ZONE });
    const res = await new Patron(ctx.app, '10.70.0.7').submit('/', '/redeem', { code: 'ABCDE-FGHJK' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('We do not recognise this code');
    expect(res.text).toContain('value="ABCDE-FGHJK"');
    expect(res.text).toContain('aria-invalid="true"');
    const empty = await new Patron(ctx.app, '10.70.0.7').submit('/', '/redeem', { code: '  ' });
    expect(empty.text).toContain('Type the code printed on your pass.');
  });

  it('when a device keeps typing wrong codes, then it is rate limited and a right code still works elsewhere', async () => {
    ctx = await makeStaffApp({ config: PASS_ZONE });
    const { codes } = await createBatch(ctx);
    const guesser = new Patron(ctx.app, '10.70.0.8');
    for (let i = 0; i < PASS_ATTEMPTS; i++) expect((await guesser.submit('/', '/redeem', { code: `WRONG-CODE${i}` })).status).toBe(400);
    const limited = await guesser.submit('/', '/redeem', { code: codes[0]! });
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('Too many wrong codes');
    expect((await new Patron(ctx.app, '10.70.0.9').submit('/', '/redeem', { code: codes[0]! })).status).toBe(303);
  });

  it('when the device has used up its time today, then the pass is not spent and works later', async () => {
    ctx = await makeStaffApp({ config: { zones: [{ ...PASS_ZONE.zones[0], policy: { accessMode: 'pass', sessionMinutes: 30, dailyMinutes: 30 } }] } });
    const { codes } = await createBatch(ctx, { count: '2' });
    const p = new Patron(ctx.app, '10.70.0.10', 'aa:bb:cc:dd:ee:10');
    expect((await p.submit('/', '/redeem', { code: codes[0]! })).status).toBe(303);
    ctx.clock.advance(31 * 60_000);
    await ctx.deps.sessions.tick();
    const refused = await p.submit('/', '/redeem', { code: codes[1]! });
    expect(refused.status).toBe(403);
    expect(refused.text).toContain('Your time for today is used up');
    expect((await new Patron(ctx.app, '10.70.0.11').submit('/', '/redeem', { code: codes[1]! })).status).toBe(303);
  });

  it('when a pass is past its last day, then it says it has expired', async () => {
    ctx = await makeStaffApp({ config: PASS_ZONE });
    const { codes } = await createBatch(ctx, { validUntil: '2026-11-18' });
    ctx.clock.advance(24 * 3_600_000);
    const res = await new Patron(ctx.app, '10.70.0.12').submit('/', '/redeem', { code: codes[0]! });
    expect(res.status).toBe(400);
    expect(res.text).toContain('This pass has expired');
  });

  it('when the zone is click-through, then /redeem takes only desk passes: another code is refused on the welcome page and no session starts', async () => {
    ctx = await makeStaffApp();
    const res = await new Patron(ctx.app, '10.70.0.13').submit('/', '/redeem', { code: 'ABCDE-FGHJK' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('We do not recognise this desk pass.');
    expect(ctx.deps.sessions.lookup('10.70.0.13')).toBeUndefined();
  });
});
