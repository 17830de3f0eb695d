// Races on the patron's redeem paths, on SQLite and on a real Redis: one device sending two
// desk passes (or the same one twice) at once, two devices sending one code at once, a help
// code pressed twice, accepting the terms while a pass is redeemed. One session wins, no pass is
// used for nothing, no answer is a 5xx.
import request from 'supertest';
import { makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';

const CONFIG = {
  zones: [
    { id: 'wifi', name: 'Wi-Fi', subnets: ['10.4.0.0/16'], policy: { sessionMinutes: 60, dailyMinutes: 60 } },
    { id: 'kiosk', name: 'Kiosks', subnets: ['10.5.0.0/16'], policy: { sessionMinutes: 60, dailyMinutes: 60, accessMode: 'pass' } },
  ],
};
const CARD = /<p class="pass-code">([2-9A-Z]{4,5}-[2-9A-Z]{4,5})<\/p>/g;
const HELP = /<p class="code">([2-9A-Z]{3}) ([2-9A-Z]{3})<\/p>/;

interface Form {
  client: string;
  cookie: string;
  token: string;
  text: string;
}

/** A device's page `from` loaded once: its client header, CSRF cookie and form token. */
async function formOf(ctx: StaffContext, ip: string, mac: string, from = '/'): Promise<Form> {
  const client = `${ip},${mac}`;
  const page = await request(ctx.app).get(from).set('X-Test-Client', client).set('Accept', 'text/html');
  const cookie = ((page.headers['set-cookie'] as unknown as string[] | undefined) ?? []).map((c) => c.split(';')[0]).join('; ');
  return { client, cookie, token: /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '', text: page.text };
}

function post(ctx: StaffContext, f: Form, action: string, fields: Record<string, string> = {}) {
  return request(ctx.app).post(action).set('X-Test-Client', f.client).set('Accept', 'text/html').set('Cookie', f.cookie).type('form').send({ _csrf: f.token, ...fields });
}

async function usedUp(ctx: StaffContext, ip: string, mac: string): Promise<Form> {
  const f = await formOf(ctx, ip, mac);
  expect((await post(ctx, f, '/accept', { accept: 'yes' })).status).toBe(303);
  ctx.clock.advance(61 * 60_000);
  await ctx.deps.sessions.tick();
  const up = await formOf(ctx, ip, mac);
  const page = await post(ctx, up, '/accept', { accept: 'yes' });
  expect(page.text).toContain('Your time for today is used up');
  return { ...up, token: /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? up.token, text: page.text };
}

async function printed(ctx: StaffContext, path: string, fields: Record<string, string>): Promise<string[]> {
  const staff = await signedIn(ctx, 'sam', 'staff');
  const sheet = await staff.submit(path, path, fields);
  expect(sheet.status).toBe(200);
  return [...sheet.text.matchAll(CARD)].map((m) => m[1]!);
}

async function usedCount(ctx: StaffContext): Promise<number> {
  return (await ctx.deps.staff.passes.list()).reduce((n, b) => n + b.used, 0);
}

describe.each([
  ['sqlite', false],
  ['redis', true],
])('redeem races on %s', (_name, redis) => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when one device sends two different desk passes at once, then it has one session and only one pass is used', async () => {
    ctx = await makeStaffApp({ redis, config: CONFIG });
    const f = await usedUp(ctx, '10.4.0.7', '02:00:00:00:04:07');
    const [a, b] = await printed(ctx, '/staff/passes/desk', { count: '2', minutes: '45' });
    const answers = await Promise.all([post(ctx, f, '/redeem', { code: a! }), post(ctx, f, '/redeem', { code: b! })]);
    for (const r of answers) expect([r.status, r.headers.location]).toEqual([303, '/status']);
    expect(ctx.deps.sessions.secondsLeft(ctx.deps.sessions.lookup('10.4.0.7')!)).toBe(45 * 60);
    expect(await ctx.deps.store.listSessions()).toHaveLength(1);
    expect(await usedCount(ctx)).toBe(1);
  });

  it('when one device sends the same desk pass twice at once, then both answers take it to its one session', async () => {
    ctx = await makeStaffApp({ redis, config: CONFIG });
    const f = await usedUp(ctx, '10.4.0.8', '02:00:00:00:04:08');
    const [a] = await printed(ctx, '/staff/passes/desk', { count: '1', minutes: '30' });
    const answers = await Promise.all([post(ctx, f, '/redeem', { code: a! }), post(ctx, f, '/redeem', { code: a! })]);
    for (const r of answers) expect([r.status, r.headers.location]).toEqual([303, '/status']);
    expect(await ctx.deps.store.listSessions()).toHaveLength(1);
    expect(await usedCount(ctx)).toBe(1);
  });

  it('when a device accepts the terms while it redeems a desk pass, then the pass is not used for the session the terms gave', async () => {
    ctx = await makeStaffApp({ redis, config: CONFIG });
    const [a] = await printed(ctx, '/staff/passes/desk', { count: '1', minutes: '30' });
    const f = await formOf(ctx, '10.4.0.9', '02:00:00:00:04:09');
    const answers = await Promise.all([post(ctx, f, '/accept', { accept: 'yes' }), post(ctx, f, '/redeem', { code: a! })]);
    for (const r of answers) expect(r.status).toBeLessThan(500);
    expect(await ctx.deps.store.listSessions()).toHaveLength(1);
    const via = ctx.deps.sessions.lookup('10.4.0.9')!.record.via;
    expect(await usedCount(ctx)).toBe(via === 'pass' ? 1 : 0);
  });

  it('when two devices send one pass code at once, then exactly one is online and the other is told it was used', async () => {
    ctx = await makeStaffApp({ redis, config: CONFIG });
    const [code] = await printed(ctx, '/staff/passes', { count: '1', minutes: '30', validUntil: '2026-11-19' });
    expect(code).toBeDefined();
    const forms = await Promise.all([formOf(ctx, '10.5.0.1', '02:00:00:00:05:01'), formOf(ctx, '10.5.0.2', '02:00:00:00:05:02')]);
    const answers = await Promise.all(forms.map((f) => post(ctx, f, '/redeem', { code: code! })));
    expect(answers.map((r) => r.status).sort()).toEqual([303, 400]);
    expect(answers.find((r) => r.status === 400)!.text).toContain('already been used');
    expect(await ctx.deps.store.listSessions()).toHaveLength(1);
    expect(await usedCount(ctx)).toBe(1);
  });

  it('when a patron presses "Staff have given me more time" twice at once, then one session starts and the other answer goes to it', async () => {
    ctx = await makeStaffApp({ redis, config: CONFIG });
    const f = await usedUp(ctx, '10.4.0.10', '02:00:00:00:04:10');
    const m = HELP.exec(f.text)!;
    const staff = await signedIn(ctx, 'sam', 'staff');
    // Two members of staff give time to the same code at once: the code still works once.
    const given = await Promise.all([0, 1].map(() => staff.submit('/staff/sessions', '/staff/help-time', { code: `${m[1]}${m[2]}`, minutes: '30' })));
    for (const g of given) expect(g.status).toBe(303);
    const answers = await Promise.all([post(ctx, f, '/help-time'), post(ctx, f, '/help-time')]);
    for (const r of answers) expect([r.status, r.headers.location]).toEqual([303, '/status']);
    expect(await ctx.deps.store.listSessions()).toHaveLength(1);
    expect(ctx.deps.sessions.secondsLeft(ctx.deps.sessions.lookup('10.4.0.10')!)).toBe(30 * 60);
  });
});
