// The privacy notice's claims about a device's addresses and private (changing) MAC addresses:
// stated in all four languages, and each shown true by running the app. Staff's help by session
// code is shown in test/integration/staff-sessions.test.ts (extend and end by the code on screen).
import ejs from 'ejs';
import { SUPPORTED } from '../../src/i18n/languages';
import { translator } from '../../src/i18n/translate';
import { CountingFirewall } from '../helpers/counting-firewall';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';

const CONFIG = { zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.93.0.0/16', 'fd93::/64'], policy: { sessionMinutes: 30, dailyMinutes: 120 } }] };
const OLD_MAC = '02:00:00:00:93:01';
const NEW_MAC = '5a:11:22:33:44:55';

describe("the privacy notice's claims about devices", () => {
  let ctx: TestContext;
  let fw: CountingFirewall;
  beforeEach(async () => {
    ctx = await makeTestApp({
      config: CONFIG,
      firewall: (logger, clock) => {
        fw = new CountingFirewall(logger, clock);
        return fw;
      },
    });
  });
  afterEach(() => ctx.close());

  it.each(SUPPORTED)('when the notice is read in %s, then it says what a device with several or changing addresses sees, and what staff can do', async (lang) => {
    const t = translator(lang);
    const notice = (await new Patron(ctx.app, '10.93.9.9').page(`/privacy?lang=${lang}`)).text;
    for (const key of ['privacy.devicesTitle', 'privacy.devicesAddresses', 'privacy.devicesPrivateMac', 'privacy.devicesNoLink', 'privacy.devicesStaff'] as const) {
      expect([key, notice.includes(ejs.escapeXML(t(key)))]).toEqual([key, true]);
    }
  });

  it("when the notice says all of a device's addresses share one session and one allowance and end together, then they do", async () => {
    const v4 = new Patron(ctx.app, '10.93.0.2', OLD_MAC);
    expect((await v4.accept()).headers.location).toBe('/status');
    // A temporary IPv6 address taken later: the kernel notes it, or the patron opens the portal from it.
    fw.noteArrival('fd93::a1b2:c3d4:e5f6:1', OLD_MAC);
    expect(await ctx.deps.sessions.learnAddresses()).toBe(1);
    expect((await new Patron(ctx.app, 'fd93::2', OLD_MAC).accept()).headers.location).toBe('/status');
    const sessions = await ctx.deps.store.listSessions();
    expect(sessions.length).toBe(1);
    expect(await ctx.deps.store.getUsage(sessions[0]!.day, sessions[0]!.pseudonym)).toBe(30 * 60);
    expect((await fw.list()).length).toBe(3);
    await v4.submit('/status', '/logout');
    expect(await fw.list()).toEqual([]);
    expect(ctx.deps.sessions.lookup('fd93::2')).toBeUndefined();
  });

  it('when the notice says a changed MAC is a new device with the welcome page and a new allowance, unlinked, and the old session runs out, then so it is', async () => {
    await new Patron(ctx.app, '10.93.0.3', OLD_MAC).accept();
    const changed = new Patron(ctx.app, '10.93.0.4', NEW_MAC);
    const welcome = await changed.page('/');
    expect(welcome.status).toBe(200);
    expect(welcome.text).toContain('name="accept"');
    expect((await ctx.deps.sessions.describe({ ip: '10.93.0.4', mac: NEW_MAC }))?.usedSeconds).toBe(0);
    expect((await changed.accept()).headers.location).toBe('/status');
    const [a, b] = await ctx.deps.store.listSessions();
    // Nothing in the records ties the two: other pseudonym, code and sealed address.
    expect(a!.pseudonym).not.toBe(b!.pseudonym);
    expect(a!.code).not.toBe(b!.code);
    expect(a!.sealedAddress).not.toBe(b!.sealedAddress);
    ctx.clock.advance(30 * 60_000 + 1_000);
    await ctx.deps.sessions.tick();
    expect(ctx.deps.sessions.lookup('10.93.0.3')).toBeUndefined();
  });
});
