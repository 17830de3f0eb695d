// One device, one session: a device's other addresses (IPv6, privacy addresses) join its session,
// are let through with it, count against one allowance and one data counter, and end with it.
import request from 'supertest';
import { CountingFirewall } from '../helpers/counting-firewall';
import { makeTestApp, type TestContext } from '../helpers/test-deps';

const config = (policy: Record<string, unknown>) => ({
  zones: [
    { id: 'wifi', name: 'Wi-Fi', subnets: ['10.9.0.0/16', 'fd09::/64'], policy },
    { id: 'kiosk', name: 'Kiosks', subnets: ['10.8.0.0/16'], policy: {} },
  ],
});
const mac = '02:00:00:00:00:01';
const v4 = { ip: '10.9.0.1', mac };
const v6 = 'fd09::1';
const privacy = 'fd09::a1b2:c3d4';

describe('a device with several addresses', () => {
  let ctx: TestContext;
  let fw: CountingFirewall;
  afterEach(() => ctx.close());

  async function setUp(policy: Record<string, unknown> = {}): Promise<void> {
    ctx = await makeTestApp({
      config: config(policy),
      firewall: (logger, clock) => {
        fw = new CountingFirewall(logger, clock);
        return fw;
      },
    });
  }
  const held = async () => (await fw.list()).map((e) => e.ip).sort();

  it('when the kernel notes new addresses of a device with a session, then they are let through with its time left, and end with it', async () => {
    await setUp({ sessionMinutes: 60 });
    const s = ctx.deps.sessions;
    await s.grant(v4);
    ctx.clock.advance(60_000);
    fw.noteArrival(v6, mac);
    fw.noteArrival(privacy, mac);
    expect(await s.learnAddresses()).toBe(2);
    expect(await s.learnAddresses()).toBe(0);
    expect(await fw.list()).toEqual(
      expect.arrayContaining([expect.objectContaining({ ip: v6, mac, expiresInSeconds: 59 * 60 }), expect.objectContaining({ ip: privacy, mac })]),
    );
    // Any of its addresses finds the session (probes, RFC 8908 over IPv6).
    expect(s.lookup(privacy)?.record.id).toBe(s.lookup(v4.ip)?.record.id);
    const res = await request(ctx.app).get('/api/captive').set('X-Test-Client', `${v6},${mac}`);
    expect(JSON.parse(res.text)).toMatchObject({ captive: false });
    expect(await s.logout(v6)).toBe(true);
    expect(await held()).toEqual([]);
    expect(s.lookup(v4.ip)).toBeUndefined();
  });

  it('when the device logs in again from its IPv6 address, then it gets the same session and the allowance is charged once', async () => {
    await setUp({ sessionMinutes: 30, dailyMinutes: 60 });
    const s = ctx.deps.sessions;
    const first = await s.grant(v4);
    const again = await s.grant({ ip: v6, mac });
    expect(again.ok && first.ok && again.session.record.id === first.session.record.id).toBe(true);
    expect(await held()).toEqual([v4.ip, v6].sort());
    const described = await s.describe({ ip: v6, mac });
    expect(described?.usedSeconds).toBe(30 * 60);
  });

  it('when an arrival is held by another session, or lies outside the zone, or comes from a MAC with no session, then it is not let through', async () => {
    await setUp();
    const s = ctx.deps.sessions;
    await s.grant(v4);
    await s.grant({ ip: '10.9.0.2', mac: '02:00:00:00:00:02' });
    fw.noteArrival('10.9.0.2', mac);
    fw.noteArrival('10.8.0.9', mac);
    fw.noteArrival('fd09::99', '02:00:00:00:00:99');
    expect(await s.learnAddresses()).toBe(0);
    expect(s.lookup('10.9.0.2')?.mac).toBe('02:00:00:00:00:02');
  });

  it("when the device's addresses move bytes, then its data allowance and idle time count them all", async () => {
    await setUp({ dataMB: 5, idleMinutes: 10, sessionMinutes: 120 });
    const s = ctx.deps.sessions;
    await s.grant(v4);
    fw.noteArrival(v6, mac);
    await s.learnAddresses();
    fw.setBytes(v4.ip, 1_000);
    await s.tick();
    // Only the IPv6 address is busy: the device is not idle.
    for (let minute = 1; minute <= 15; minute++) {
      fw.setBytes(v6, minute * 1_000);
      ctx.clock.advance(60_000);
      await s.tick();
    }
    expect(s.lookup(v4.ip)).toBeDefined();
    fw.setBytes(v6, 4_999_999);
    await s.tick();
    expect(s.lookup(v4.ip)).toBeUndefined();
    expect(await held()).toEqual([]);
  });

  it('when Threshold starts and the kernel holds other addresses of a live device, then they stay its own', async () => {
    await setUp({ sessionMinutes: 60 });
    const s = ctx.deps.sessions;
    await s.grant(v4);
    fw.noteArrival(v6, mac);
    await s.learnAddresses();
    await s.start();
    expect(await held()).toEqual([v4.ip, v6].sort());
    expect(s.lookup(v6)).toBeDefined();
  });
});
