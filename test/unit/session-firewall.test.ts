// Sessions and what the firewall counts: idle time and data allowances from byte counters,
// RFC 8908 bytes-remaining, and a restart that closes the door on sessions that ended meanwhile.
import request from 'supertest';
import { CountingFirewall } from '../helpers/counting-firewall';
import { makeTestApp, type TestContext } from '../helpers/test-deps';

const zone = (policy: Record<string, unknown>) => ({ zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.9.0.0/16'], policy }] });
const client = { ip: '10.9.0.1', mac: '02:00:00:00:00:01' };

describe('SessionService with a firewall that counts bytes', () => {
  let ctx: TestContext;
  let fw: CountingFirewall;
  afterEach(() => ctx.close());

  async function setUp(policy: Record<string, unknown>): Promise<void> {
    ctx = await makeTestApp({
      config: zone(policy),
      firewall: (logger, clock) => {
        fw = new CountingFirewall(logger, clock);
        return fw;
      },
    });
  }

  it('when the counter passes the zone data allowance, then the next tick ends the session and closes the door', async () => {
    await setUp({ dataMB: 5 });
    const s = ctx.deps.sessions;
    const reasons: string[] = [];
    s.onEnd((_record, reason) => reasons.push(reason));
    await s.grant(client);
    fw.setBytes(client.ip, 4_999_999);
    await s.tick();
    expect(s.lookup(client.ip)).toBeDefined();
    fw.setBytes(client.ip, 5_000_000);
    await s.tick();
    expect(s.lookup(client.ip)).toBeUndefined();
    expect(await fw.list()).toEqual([]);
    expect(reasons).toEqual(['data']);
  });

  it('when no bytes move for the idle time, then the session ends; while they move, it goes on', async () => {
    await setUp({ idleMinutes: 10, sessionMinutes: 60 });
    const s = ctx.deps.sessions;
    await s.grant(client);
    for (let minute = 1; minute <= 20; minute++) {
      fw.setBytes(client.ip, minute * 1000);
      ctx.clock.advance(60_000);
      await s.tick();
    }
    expect(s.lookup(client.ip)).toBeDefined();
    ctx.clock.advance(9 * 60_000);
    await s.tick();
    expect(s.lookup(client.ip)).toBeDefined();
    ctx.clock.advance(2 * 60_000);
    await s.tick();
    expect(s.lookup(client.ip)).toBeUndefined();
  });

  it('when the zone has a data allowance, then RFC 8908 reports the bytes left', async () => {
    await setUp({ dataMB: 5 });
    await ctx.deps.sessions.grant(client);
    fw.setBytes(client.ip, 1_200_000);
    await ctx.deps.sessions.tick();
    const res = await request(ctx.app).get('/api/captive').set('X-Test-Client', `${client.ip},${client.mac}`);
    expect(JSON.parse(res.text)).toMatchObject({ captive: false, 'bytes-remaining': 3_800_000 });
  });

  it('when the zone has no data allowance, then RFC 8908 says nothing about bytes', async () => {
    await setUp({});
    await ctx.deps.sessions.grant(client);
    const res = await request(ctx.app).get('/api/captive').set('X-Test-Client', client.ip);
    expect(JSON.parse(res.text)).not.toHaveProperty('bytes-remaining');
  });

  it('when Threshold starts and the firewall still lets through a client with no session, then that client is shut out', async () => {
    await setUp({});
    await ctx.deps.sessions.grant(client);
    // A session ended while Threshold was down (staff, CLI): the store no longer has it.
    await fw.allow([{ ip: '10.9.0.77', mac: '02:00:00:00:00:77', zoneId: 'wifi', timeoutSeconds: 600 }]);
    await ctx.deps.sessions.start();
    expect((await fw.list()).map((e) => e.ip)).toEqual([client.ip]);
  });

  it('when the firewall lost a live session, then restoreMissing lets it through again with the time it has left', async () => {
    await setUp({ sessionMinutes: 60 });
    await ctx.deps.sessions.grant(client);
    await fw.revoke([client]);
    ctx.clock.advance(10 * 60_000);
    expect(await ctx.deps.sessions.restoreMissing()).toBe(1);
    expect(await fw.list()).toEqual([expect.objectContaining({ ip: client.ip, mac: client.mac, expiresInSeconds: 50 * 60 })]);
    expect(await ctx.deps.sessions.restoreMissing()).toBe(0);
  });

  it('when the firewall lost one of a device\'s addresses, then restoreMissing lets that one through again and leaves the other alone', async () => {
    await setUp({ sessionMinutes: 60 });
    await ctx.deps.sessions.grant(client);
    fw.noteArrival('10.9.0.50', client.mac);
    expect(await ctx.deps.sessions.learnAddresses()).toBe(1);
    await fw.revoke([{ ip: '10.9.0.50' }]);
    const allow = jest.spyOn(fw, 'allow');
    expect(await ctx.deps.sessions.restoreMissing()).toBe(1);
    expect(allow).toHaveBeenCalledWith([expect.objectContaining({ ip: '10.9.0.50', mac: client.mac })]);
    expect((await fw.list()).map((e) => e.ip).sort()).toEqual([client.ip, '10.9.0.50']);
  });
});

describe('SessionService with a firewall that counts nothing', () => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  it('when the tick runs, then it does not read the firewall\'s list, and a session still ends when its time is up', async () => {
    ctx = await makeTestApp({ config: zone({ sessionMinutes: 30 }) });
    const fw = ctx.deps.firewall;
    expect(fw.countsBytes).toBe(false);
    await ctx.deps.sessions.grant(client);
    const list = jest.spyOn(fw, 'list');
    await ctx.deps.sessions.tick();
    expect(ctx.deps.sessions.lookup(client.ip)).toBeDefined();
    ctx.clock.advance(31 * 60_000);
    await ctx.deps.sessions.tick();
    expect(ctx.deps.sessions.lookup(client.ip)).toBeUndefined();
    expect(list).not.toHaveBeenCalled();
  });
});
