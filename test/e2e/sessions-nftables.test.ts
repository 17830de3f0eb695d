// Sessions with the real nftables backend (in a namespace) and each store: a grant reaches the
// kernel with the time left, a restart keeps the kernel's counters, and after a reboot or a
// "flush ruleset" (the kernel's table gone) the sets are re-created from the store.
import pino from 'pino';
import { NftablesFirewall } from '../../src/firewall/nftables';
import type { Clock } from '../../src/domain/clock';
import type { Logger } from '../../src/logger';
import { SessionService } from '../../src/sessions/session-service';
import { Netns, requireNetnsSupport, suffix } from '../helpers/netns';
import { makeTestApp, type TestContext } from '../helpers/test-deps';

requireNetnsSupport();

const client = { ip: '10.9.0.21', mac: '02:00:00:00:00:21' };
const zones = { zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.9.0.0/16'], policy: { sessionMinutes: 60 } }] };

for (const store of ['sqlite', 'redis'] as const) {
  describe(`sessions with nftables and ${store}`, () => {
    let ns: Netns;
    let ctx: TestContext;
    const firewall = (clock: Clock, logger: Logger = pino({ level: 'silent' })) =>
      new NftablesFirewall({ logger, clock, portalPort: 8080, lanInterfaces: ['lan0'], prefix: ns.prefix });

    beforeEach(async () => {
      ns = new Netns('ses', suffix());
      ctx = await makeTestApp({ redis: store === 'redis', config: zones, firewall: (logger, clock) => firewall(clock, logger) });
    });
    afterEach(async () => {
      await ctx.close();
      ns.delete();
    });

    it('when a patron is granted a session, then the kernel lets it through, bound to its MAC, for the session length', async () => {
      await ctx.deps.sessions.grant(client);
      const [entry] = await ctx.deps.firewall.list();
      expect(entry).toMatchObject({ ip: client.ip, mac: client.mac, bytes: 0 });
      expect(entry!.expiresInSeconds).toBeGreaterThan(3590);
    });

    it('when Threshold restarts, then the element and its byte counter are kept', async () => {
      await ctx.deps.sessions.grant(client);
      ns.exec('nft', ['-f', '-'], `delete element inet threshold allowed4 { ${client.ip} }\nadd element inet threshold allowed4 { ${client.ip} counter packets 9 bytes 12345 timeout 3600s }\n`);
      const fw = firewall(ctx.clock);
      await fw.init();
      const restarted = new SessionService({ ...ctx.deps, firewall: fw });
      await restarted.start();
      expect(await fw.list()).toEqual([expect.objectContaining({ ip: client.ip, mac: client.mac, bytes: 12345 })]);
    });

    it('when the gateway reboots (the kernel table is gone), then the sessions are let through again from the store', async () => {
      await ctx.deps.sessions.grant(client);
      ctx.clock.advance(20 * 60_000);
      ns.exec('nft', ['delete', 'table', 'inet', 'threshold']);
      const fw = firewall(ctx.clock);
      await fw.init();
      await new SessionService({ ...ctx.deps, firewall: fw }).start();
      const [entry] = await fw.list();
      expect(entry).toMatchObject({ ip: client.ip, mac: client.mac });
      expect(entry!.expiresInSeconds).toBeGreaterThan(39 * 60);
      expect(entry!.expiresInSeconds).toBeLessThanOrEqual(40 * 60);
    });

    it('when something flushes the whole ruleset, then the table is re-created and the sessions let through again', async () => {
      await ctx.deps.sessions.grant(client);
      ns.exec('nft', ['flush', 'ruleset']);
      // The next tick's listing notices and re-creates the table; the next reconcile restores.
      expect(await ctx.deps.firewall.list()).toEqual([]);
      expect(ns.exec('nft', ['list', 'tables'])).toContain('table inet threshold');
      expect(await ctx.deps.sessions.restoreMissing()).toBe(1);
      expect(await ctx.deps.firewall.list()).toEqual([expect.objectContaining({ ip: client.ip, mac: client.mac })]);
      expect(await ctx.deps.sessions.restoreMissing()).toBe(0);
      expect(ctx.logs.join('')).toContain('was deleted by something else');
    });

    it('when a session ends, then the kernel stops letting the patron through', async () => {
      await ctx.deps.sessions.grant(client);
      expect(await ctx.deps.sessions.logout(client.ip)).toBe(true);
      expect(await ctx.deps.firewall.list()).toEqual([]);
    });
  });
}
