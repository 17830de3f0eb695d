// Health, readiness and Prometheus metrics on the staff listener: no sign-in, aggregate only.
import request from 'supertest';
import { createApp } from '../../src/app';
import { makeStaffApp, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';

const TOKEN = 'a-metrics-token-of-forty-characters-long!';

describe.each([
  ['sqlite', false],
  ['redis', true],
])('operations endpoints with %s', (_name, redis) => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when the store answers, then /healthz and /readyz say so', async () => {
    ctx = await makeStaffApp({ redis });
    expect((await request(ctx.staffApp).get('/healthz')).body).toEqual({ status: 'ok' });
    const ready = await request(ctx.staffApp).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', store: redis ? 'redis' : 'sqlite' });
  });

  it('when the store is gone, then /readyz answers 503 with a reason and /healthz still 200', async () => {
    ctx = await makeStaffApp({ redis });
    await ctx.deps.store.close();
    const ready = await request(ctx.staffApp).get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body).toEqual({ status: 'unavailable', store: redis ? 'redis' : 'sqlite', reason: 'this gateway cannot write its records to the store' });
    expect((await request(ctx.staffApp).get('/healthz')).status).toBe(200);
    await ctx.deps.store.init();
  });

  it('when patrons are online, then /metrics gives counts per zone no finer than k, and nothing that identifies anyone', async () => {
    ctx = await makeStaffApp({ redis, config: { metricsToken: TOKEN, minCellSessions: 2 } });
    const metrics = () => request(ctx.staffApp).get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    await new Patron(ctx.app, '10.0.0.77', 'aa:bb:cc:dd:ee:77').accept();
    const code = ctx.deps.sessions.lookup('10.0.0.77')!.record.code;
    // One patron: fewer than k, so the live count reads 0 and today's count is withheld.
    const one = await metrics();
    expect(one.status).toBe(200);
    expect(one.headers['content-type']).toContain('text/plain');
    expect(one.text).toContain('threshold_sessions_live{zone="wifi"} 0');
    expect(one.text).toContain('threshold_today{zone="wifi",counter="sessionsStarted"} 0');
    await new Patron(ctx.app, '10.0.0.78', 'aa:bb:cc:dd:ee:78').accept();
    const res = await metrics();
    expect(res.text).toContain('threshold_sessions_live{zone="wifi"} 2');
    expect(res.text).toContain('threshold_store_up 1');
    expect(res.text).toContain('threshold_store_client_revivals_total 0');
    expect(res.text).toContain('threshold_today{zone="wifi",counter="sessionsStarted"} 2');
    expect(res.text).toContain('threshold_policy_session_minutes{zone="wifi"} 60');
    expect(res.text).toContain('process_cpu_user_seconds_total');
    for (const secret of ['10.0.0.77', 'aa:bb:cc:dd:ee:77', code]) expect(res.text).not.toContain(secret);
  });
});

describe('metrics token', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it.each([
    ['no token configured, none sent', undefined, undefined],
    ['no token configured, one sent', undefined, `Bearer ${TOKEN}`],
    ['a token configured, none sent', TOKEN, undefined],
    ['a token configured, a wrong one sent', TOKEN, `Bearer ${TOKEN.replace('a', 'b')}`],
    ['a token configured, sent as Basic', TOKEN, `Basic ${TOKEN}`],
  ])('when %s, then /metrics answers 401 JSON that says what to do', async (_what, metricsToken, header) => {
    ctx = await makeStaffApp({ config: metricsToken ? { metricsToken } : {} });
    const req = request(ctx.staffApp).get('/metrics');
    const res = await (header ? req.set('Authorization', header) : req);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect(res.body).toEqual({ error: 'unauthorized', message: expect.stringContaining('METRICS_TOKEN') });
    expect(res.text).not.toContain('threshold_');
  });
});

describe('metrics registries', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when two staff apps are built in one process, then each has its own registry (no global state)', async () => {
    ctx = await makeStaffApp({ config: { metricsToken: TOKEN } });
    const second = createApp(ctx.deps, { surfaces: ['staff'] });
    expect((await request(second).get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(200);
    expect((await request(ctx.staffApp).get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).status).toBe(200);
  });

  it('when the portal app is asked for the staff endpoints, then it does not serve them', async () => {
    ctx = await makeStaffApp();
    const res = await request(ctx.app).get('/metrics').set('X-Test-Client', '10.0.0.78');
    expect(res.status).toBe(302);
    expect((await request(ctx.app).get('/staff/login').set('X-Test-Client', '10.0.0.78')).status).toBe(302);
  });
});
