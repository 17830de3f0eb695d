// Races between changes to one session, on SQLite and on a real Redis: extend against log out
// (a bug once gave free time here), extend against staff end from another gateway, and many
// extends at once. A session that ended is never online again and usage never goes negative.
import request from 'supertest';
import { makeTestApp, type TestContext } from '../helpers/test-deps';
import { uniquePrefix } from '../helpers/redis';

const MIN = 60_000;
const config = { zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['0.0.0.0/0'], policy: { sessionMinutes: 30, dailyMinutes: 180 } }] };
const device = (n: number) => ({ ip: `10.70.0.${n}`, mac: `02:00:00:00:70:${String(n).padStart(2, '0')}` });

/** A patron's page state: the client header, its CSRF cookie and the form token of /status. */
async function statusForm(ctx: TestContext, n: number): Promise<{ client: string; cookie: string; token: string }> {
  const client = `${device(n).ip},${device(n).mac}`;
  const page = await request(ctx.app).get('/status').set('X-Test-Client', client).set('Accept', 'text/html');
  const cookie = ((page.headers['set-cookie'] as unknown as string[] | undefined) ?? []).map((c) => c.split(';')[0]).join('; ');
  return { client, cookie, token: /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '' };
}

function post(ctx: TestContext, form: { client: string; cookie: string; token: string }, action: string) {
  return request(ctx.app).post(action).set('X-Test-Client', form.client).set('Accept', 'text/html').set('Cookie', form.cookie).type('form').send({ _csrf: form.token });
}

/** The usage of a granted session's device on its day (the live view keeps no pseudonym: it is derived again, as a grant does). */
async function usageOf(ctx: TestContext, s: { record: { day: string }; ip: string; mac?: string }): Promise<number> {
  return ctx.deps.store.getUsage(s.record.day, ctx.deps.keys.pseudonym(s.record.day, s.mac ?? s.ip));
}

describe.each([
  ['sqlite', false],
  ['redis', true],
])('session races on %s', (_name, redis) => {
  let ctx: TestContext;
  const others: TestContext[] = [];
  afterEach(async () => {
    for (const o of others.splice(0)) await o.close();
    await ctx.close();
  });

  it('when 12 devices send extend and log out at the same time, then every one is offline, revoked, and its usage is what it used', async () => {
    ctx = await makeTestApp({ config, redis });
    const s = ctx.deps.sessions;
    const records = [];
    for (let n = 1; n <= 12; n++) {
      const r = await s.grant(device(n));
      if (!r.ok) throw new Error('grant refused');
      records.push(r.session);
    }
    ctx.clock.advance(10 * MIN);
    const forms = await Promise.all(records.map((_, i) => statusForm(ctx, i + 1)));
    const answers = await Promise.all(forms.flatMap((f) => [post(ctx, f, '/extend'), post(ctx, f, '/logout')]));
    for (const a of answers) expect(a.status).toBe(303);
    for (let n = 1; n <= 12; n++) expect(s.lookup(device(n).ip)).toBeUndefined();
    expect(await ctx.deps.firewall.list()).toEqual([]);
    expect(await ctx.deps.store.listSessions()).toEqual([]);
    await s.reconcile();
    for (let n = 1; n <= 12; n++) expect(s.lookup(device(n).ip)).toBeUndefined();
    for (const r of records) {
      // Ten minutes were used; whatever the order, no refund of time that was not charged.
      const used = await usageOf(ctx, r);
      expect(used).toBeGreaterThanOrEqual(10 * 60);
      expect(used).toBeLessThanOrEqual(10 * 60 + 1);
    }
  });

  it('when a device extends many times at once, then its session moves once and its usage is one full session from now', async () => {
    ctx = await makeTestApp({ config, redis });
    const s = ctx.deps.sessions;
    const r = await s.grant(device(1));
    if (!r.ok) throw new Error('grant refused');
    ctx.clock.advance(10 * MIN);
    const results = await Promise.all(Array.from({ length: 10 }, () => s.extend(device(1).ip)));
    expect(results.filter((x) => x.ok)).toHaveLength(1);
    const now = ctx.clock.now();
    expect((await ctx.deps.store.getSession(r.session.record.id))?.endsAt).toBe(now + 30 * MIN);
    expect(s.lookup(device(1).ip)?.record.endsAt).toBe(now + 30 * MIN);
    expect(await usageOf(ctx, r.session)).toBe(40 * 60);
    expect((await ctx.deps.firewall.list())[0]?.expiresInSeconds).toBe(30 * 60);
  });

  it('when a device extends while the sweep ends it for idleness, then it ends once and stays ended', async () => {
    ctx = await makeTestApp({ config, redis });
    const s = ctx.deps.sessions;
    const r = await s.grant(device(2));
    if (!r.ok) throw new Error('grant refused');
    ctx.clock.advance(10 * MIN);
    const ended: string[] = [];
    s.onEnd((rec) => ended.push(rec.id));
    await Promise.all([s.extend(device(2).ip), s.end(r.session.record.id, 'idle'), s.extend(device(2).ip), s.end(r.session.record.id, 'staff')]);
    expect(ended).toEqual([r.session.record.id]);
    expect(s.lookup(device(2).ip)).toBeUndefined();
    expect(await ctx.deps.firewall.list()).toEqual([]);
    expect(await usageOf(ctx, r.session)).toBeGreaterThanOrEqual(10 * 60);
  });

  if (redis) {
    it('when staff on another gateway end a session while its patron extends it, then it ends everywhere and its usage stays positive', async () => {
      const prefix = uniquePrefix();
      ctx = await makeTestApp({ config: { ...config, gatewayId: 'gw-a' }, redis, prefix });
      const b = await makeTestApp({ config: { ...config, gatewayId: 'gw-b' }, redis, prefix });
      others.push(b);
      const records = [];
      for (let n = 1; n <= 8; n++) {
        const r = await ctx.deps.sessions.grant(device(n));
        if (!r.ok) throw new Error('grant refused');
        records.push(r.session);
      }
      ctx.clock.advance(10 * MIN);
      b.clock.set(ctx.clock.now());
      await Promise.all(records.flatMap((r, i) => [ctx.deps.sessions.extend(device(i + 1).ip), b.deps.sessions.end(r.record.id, 'staff')]));
      await ctx.deps.sessions.reconcile();
      for (let n = 1; n <= 8; n++) expect(ctx.deps.sessions.lookup(device(n).ip)).toBeUndefined();
      expect(await ctx.deps.firewall.list()).toEqual([]);
      expect(await ctx.deps.store.listSessions()).toEqual([]);
      for (const r of records) expect(await usageOf(ctx, r)).toBeGreaterThanOrEqual(10 * 60);
    });
  }
});
