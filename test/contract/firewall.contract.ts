// The Firewall contract: one suite every backend passes (noop in `npm test`, nftables inside a
// network namespace in `npm run test:e2e`).
import type { Firewall, FirewallEntry } from '../../src/firewall/types';

export interface FirewallHarness {
  firewall: Firewall;
  /** Lets time pass for the backend: a manual clock, or real waiting. */
  wait(ms: number): Promise<void>;
  /** A fresh instance over the same kernel state, as after a restart; absent where nothing persists. */
  restart?(): Promise<Firewall>;
  /** Whether entries carry byte counters. */
  countsBytes: boolean;
  close(): Promise<void>;
}

const A = { ip: '10.9.0.11', mac: '02:00:00:00:00:11', zoneId: 'wifi' };
const B = { ip: '10.9.0.12', zoneId: 'wifi' };
const C = { ip: '2001:db8:9::13', mac: '02:00:00:00:00:13', zoneId: 'wifi' };

const find = (entries: FirewallEntry[], ip: string) => entries.filter((e) => e.ip === ip);

export function firewallContract(name: string, make: () => Promise<FirewallHarness>): void {
  describe(`Firewall contract: ${name}`, () => {
    let h: FirewallHarness;
    beforeEach(async () => {
      h = await make();
      await h.firewall.init();
    });
    afterEach(() => h.close());

    it('when a client is allowed, then it is listed with its MAC and the time asked for', async () => {
      await h.firewall.allow([{ ...A, timeoutSeconds: 600 }]);
      const [e] = find(await h.firewall.list(), A.ip);
      expect(e?.mac).toBe(A.mac);
      expect(e!.expiresInSeconds).toBeGreaterThanOrEqual(598);
      expect(e!.expiresInSeconds).toBeLessThanOrEqual(600);
    });

    it('when several clients are allowed in one call, IPv4 and IPv6, with and without MAC, then all are listed', async () => {
      await h.firewall.allow([
        { ...A, timeoutSeconds: 300 },
        { ...B, timeoutSeconds: 400 },
        { ...C, timeoutSeconds: 500 },
      ]);
      const list = await h.firewall.list();
      expect(list.map((e) => e.ip).sort()).toEqual([A.ip, B.ip, C.ip].sort());
      expect(find(list, B.ip)[0]?.mac).toBeUndefined();
      expect(find(list, C.ip)[0]?.mac).toBe(C.mac);
    });

    it('when a client is allowed again with a new timeout, then it is listed once with the new timeout', async () => {
      await h.firewall.allow([{ ...A, timeoutSeconds: 100 }]);
      await h.firewall.allow([{ ...A, timeoutSeconds: 900 }]);
      let entries = find(await h.firewall.list(), A.ip);
      expect(entries).toHaveLength(1);
      expect(entries[0]!.expiresInSeconds).toBeGreaterThan(890);
      // Shortening works too (staff shorten a session).
      await h.firewall.allow([{ ...A, timeoutSeconds: 50 }]);
      entries = find(await h.firewall.list(), A.ip);
      expect(entries[0]!.expiresInSeconds).toBeLessThanOrEqual(50);
    });

    it('when a client is allowed again without its MAC, then it is no longer held to the old MAC', async () => {
      await h.firewall.allow([{ ...A, timeoutSeconds: 300 }]);
      await h.firewall.allow([{ ip: A.ip, zoneId: 'wifi', timeoutSeconds: 300 }]);
      expect(find(await h.firewall.list(), A.ip)[0]?.mac).toBeUndefined();
    });

    it('when clients are allowed and one revoked, then the held addresses are exactly those let through', async () => {
      await h.firewall.allow([{ ...A, timeoutSeconds: 300 }, { ...B, timeoutSeconds: 300 }, { ...C, timeoutSeconds: 300 }]);
      await h.firewall.revoke([{ ip: B.ip }]);
      const held = await h.firewall.heldAddresses();
      expect([A.ip, B.ip, C.ip, '10.9.0.99'].filter((ip) => held.has(ip))).toEqual([A.ip, C.ip]);
      expect((await h.firewall.list()).map((e) => e.ip).sort()).toEqual([A.ip, C.ip].sort());
    });

    it('when a client is revoked, then it is gone; revoking an unknown client changes nothing', async () => {
      await h.firewall.allow([{ ...A, timeoutSeconds: 300 }, { ...C, timeoutSeconds: 300 }]);
      await h.firewall.revoke([{ ip: A.ip, mac: A.mac }, { ip: C.ip, mac: C.mac }]);
      await h.firewall.revoke([{ ip: '10.9.0.99' }, { ip: B.ip, mac: '02:00:00:00:00:99' }]);
      expect(await h.firewall.list()).toEqual([]);
    });

    it('when a client is allowed and revoked in the same burst, then the last change wins', async () => {
      await Promise.all([
        h.firewall.allow([{ ...A, timeoutSeconds: 300 }]),
        h.firewall.allow([{ ...B, timeoutSeconds: 300 }]),
        h.firewall.revoke([{ ip: A.ip, mac: A.mac }]),
      ]);
      expect((await h.firewall.list()).map((e) => e.ip)).toEqual([B.ip]);
    });

    it('when its time is up, then the client is gone without anyone revoking it', async () => {
      await h.firewall.allow([{ ...B, timeoutSeconds: 1 }, { ...A, timeoutSeconds: 300 }]);
      await h.wait(2_200);
      expect((await h.firewall.list()).map((e) => e.ip)).toEqual([A.ip]);
    });

    it('when the backend counts bytes, then every entry carries a count; otherwise none does', async () => {
      await h.firewall.allow([{ ...A, timeoutSeconds: 300 }]);
      const [e] = await h.firewall.list();
      if (h.countsBytes) expect(e?.bytes).toBe(0);
      else expect(e?.bytes).toBeUndefined();
    });

    it('when the backend starts again over the same state, then clients are still let through with the time they had left', async () => {
      if (!h.restart) return; // a backend that keeps nothing has nothing to keep
      await h.firewall.allow([{ ...A, timeoutSeconds: 300 }, { ...C, timeoutSeconds: 200 }]);
      await h.firewall.close();
      const again = await h.restart();
      await again.init();
      const list = await again.list();
      expect(list.map((e) => e.ip).sort()).toEqual([A.ip, C.ip].sort());
      expect(find(list, C.ip)[0]!.expiresInSeconds).toBeLessThanOrEqual(200);
      expect(find(list, A.ip)[0]?.mac).toBe(A.mac);
    });
  });
}
