// A session a pass started keeps what the pass gave: the patron cannot extend it (the status
// page offers no button, RFC 8908 says can-extend-session false) unless the policy says so.
import request from 'supertest';
import { makeStaffApp, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';

const zone = (extendPasses: boolean) => ({
  zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['0.0.0.0/0'], policy: { accessMode: 'pass', sessionMinutes: 60, dailyMinutes: 180, extendPasses } }],
});
const IP = '10.71.0.5';

async function onlineWithPass(ctx: StaffContext, minutes: number): Promise<Patron> {
  const { codes } = await ctx.deps.staff.passes.createBatch('sam', { count: 1, minutes, validUntil: ctx.clock.now() + 86_400_000 });
  const patron = new Patron(ctx.app, IP);
  expect((await patron.submit('/', '/redeem', { code: codes[0]! })).status).toBe(303);
  return patron;
}

const captive = (ctx: StaffContext) => request(ctx.app).get('/api/captive').set('X-Test-Client', IP);

describe('extending a session a pass started', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when a 5-minute pass was redeemed, then the patron cannot extend it and RFC 8908 says so', async () => {
    ctx = await makeStaffApp({ config: zone(false) });
    const patron = await onlineWithPass(ctx, 5);
    ctx.clock.advance(2 * 60_000);
    expect((await captive(ctx)).body['can-extend-session']).toBe(false);
    expect((await patron.page('/status')).text).not.toContain('action="/extend"');
    const res = await patron.submit('/status', '/extend');
    expect(res.headers.location).toBe('/status?notice=not-extended&why=not-allowed');
    expect(ctx.deps.sessions.secondsLeft(ctx.deps.sessions.lookup(IP)!)).toBe(3 * 60);
    expect(await ctx.deps.sessions.extend(IP)).toEqual({ ok: false, reason: 'not-allowed' });
  });

  it('when staff add time to a pass session, then it is extended (staff decide, not the pass)', async () => {
    ctx = await makeStaffApp({ config: zone(false) });
    await onlineWithPass(ctx, 5);
    const s = ctx.deps.sessions.lookup(IP)!;
    expect(await ctx.deps.sessions.extendSession(s, { bySeconds: 15 * 60 })).toMatchObject({ ok: true, addedSeconds: 15 * 60 });
  });

  it('when the policy lets passes be extended, then the patron can, and RFC 8908 says so', async () => {
    ctx = await makeStaffApp({ config: zone(true) });
    const patron = await onlineWithPass(ctx, 5);
    ctx.clock.advance(2 * 60_000);
    expect((await captive(ctx)).body['can-extend-session']).toBe(true);
    const res = await patron.submit('/status', '/extend');
    expect(res.headers.location).toBe('/status?notice=extended&added=57');
    expect(ctx.deps.sessions.secondsLeft(ctx.deps.sessions.lookup(IP)!)).toBe(60 * 60);
  });
});
