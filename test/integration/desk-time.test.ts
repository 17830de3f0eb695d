// Time for a patron whose day is used up, given at the desk without knowing who they are: the
// "time used up" page shows a help code (the same all day on that device, shown only to it);
// staff type it and give minutes; the patron presses "Staff have given me more time" and is
// online beyond today's allowance. The code is never stored or logged; only its keyed hash is.
import fs from 'node:fs';
import path from 'node:path';
import { auditInEnglish, makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';

const CONFIG = { zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.0.0.0/8'], policy: { sessionMinutes: 60, dailyMinutes: 60 } }] };
const CODE = /<p class="code">([2-9A-Z]{3}) ([2-9A-Z]{3})<\/p>/;

/** A patron whose hour today is used up, on the "time used up" page; returns the help code shown. */
async function usedUp(ctx: StaffContext, p: Patron): Promise<string> {
  await p.accept();
  ctx.clock.advance(61 * 60_000);
  await ctx.deps.sessions.tick();
  const page = await p.accept();
  expect(page.status).toBe(403);
  expect(page.text).toContain('Your time for today is used up');
  const m = CODE.exec(page.text);
  expect(m).not.toBeNull();
  return `${m![1]}${m![2]}`;
}

function filesOf(dir: string): Buffer[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesOf(path.join(dir, e.name)) : [fs.readFileSync(path.join(dir, e.name))]));
}

describe('time given at the desk by a help code', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when staff give 30 minutes to the code on a patron\'s screen, then the patron is online for them beyond the allowance, once', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const patron = new Patron(ctx.app, '10.3.0.7', '02:00:00:00:03:07');
    const code = await usedUp(ctx, patron);
    // The same code on a reload, and another device gets another.
    expect(CODE.exec((await patron.accept()).text)?.slice(1).join('')).toBe(code);
    const other = new Patron(ctx.app, '10.3.0.8', '02:00:00:00:03:08');
    expect(await usedUp(ctx, other)).not.toBe(code);

    // Pressed before staff gave anything: the page says what to do.
    const early = await patron.submit('/', '/help-time');
    expect(early.status).toBe(403);
    expect(early.text).toContain('No time has been given to this code yet.');

    const staff = await signedIn(ctx, 'sam', 'staff');
    expect((await staff.get('/staff/sessions')).text).toContain('Give time to a patron whose day is used up');
    const given = await staff.submit('/staff/sessions', '/staff/help-time', { code: `${code.slice(0, 3).toLowerCase()} ${code.slice(3)}`, minutes: '30' });
    expect([given.status, given.headers.location]).toEqual([303, '/staff/sessions?notice=given']);

    const online = await patron.submit('/', '/help-time');
    expect([online.status, online.headers.location]).toEqual([303, '/status']);
    expect(ctx.deps.sessions.secondsLeft(ctx.deps.sessions.lookup('10.3.0.7')!)).toBe(30 * 60);

    // Used once: after that session, the same code has nothing waiting.
    await patron.submit('/status', '/logout');
    expect((await patron.submit('/', '/help-time')).text).toContain('No time has been given to this code yet.');

    // Audited without the code; the code is in no file of the store.
    const audit = await ctx.deps.store.staff.listAudit(10);
    const desk = audit.find((e) => e.action === 'passes.desk');
    expect(auditInEnglish(desk!.detail)).toBe("gave 30 minutes beyond today's allowance by a help code");
    expect(JSON.stringify(audit)).not.toContain(code);
    for (const data of filesOf(ctx.dataDir)) expect(data.includes(code)).toBe(false);
  });

  it('when the help code says it works only today, then after midnight the device shows another code and the time given is gone', async () => {
    ctx = await makeStaffApp({ now: '2026-11-18T20:00:00Z', config: CONFIG });
    const patron = new Patron(ctx.app, '10.3.0.10', '02:00:00:00:03:10');
    const code = await usedUp(ctx, patron);
    const staff = await signedIn(ctx, 'sam', 'staff');
    await staff.submit('/staff/sessions', '/staff/help-time', { code, minutes: '15' });
    ctx.clock.set(Date.parse('2026-11-19T00:30:00Z'));
    await ctx.deps.sessions.pruneKeys();
    // A new day: a fresh allowance, so the patron is online without help; a code of tomorrow would differ.
    await patron.accept();
    ctx.clock.advance(61 * 60_000);
    await ctx.deps.sessions.tick();
    const page = await patron.accept();
    expect(CODE.exec(page.text)?.slice(1).join('')).not.toBe(code);
    expect((await patron.submit('/', '/help-time')).text).toContain('No time has been given to this code yet.');
  });

  it('when staff type a code that cannot be one, then the page says how it looks and nothing is given', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const staff = await signedIn(ctx, 'sam', 'staff');
    for (const code of ['', 'ABC', 'K7Q-M2P-X', 'O0O111']) {
      const res = await staff.submit('/staff/sessions', '/staff/help-time', { code, minutes: '30' });
      expect([code, res.status, res.text.includes('characters of the help code')]).toEqual([code, 400, true]);
    }
    const minutes = await staff.submit('/staff/sessions', '/staff/help-time', { code: 'K7QM2P', minutes: '999' });
    expect(minutes.status).toBe(400);
    expect(minutes.text).toContain('Choose how much time to give: 15, 30, 60 minutes.');
    expect(await ctx.deps.store.staff.listPassBatches()).toEqual([]);
  });

  it('when the patron\'s day is used up on a page in Arabic, then the help code and the button are in Arabic, the code left to right', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const patron = new Patron(ctx.app, '10.3.0.9');
    await patron.accept();
    ctx.clock.advance(61 * 60_000);
    await ctx.deps.sessions.tick();
    const page = await patron.submit('/?lang=ar', '/accept?lang=ar', { accept: 'yes' });
    expect(page.text).toContain('رمز المساعدة الخاص بك');
    expect(page.text).toContain('منحني الموظفون وقتًا إضافيًا');
    expect(page.text).toMatch(CODE);
  });
});
