// The grant part of the Store contract (all or nothing, idempotent by session id), run against
// every implementation from sqlite-store.test.ts and redis-store.test.ts.
import type { Store } from '../../src/store/types';
import { makeSession } from './store.contract';

const HOUR = 3_600_000;
const inAnHour = () => Date.now() + HOUR;

export function describeGrantContract(name: string, make: () => Promise<Store>): void {
  describe(`Store contract, grants: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    test('when a session is granted, then the record, its lookups by id and code, the listing and the charge are all there', async () => {
      const s = makeSession();
      expect(await store.grantSession(s, { seconds: 3600, expiresAt: inAnHour() })).toBe(true);
      expect(await store.getSession(s.id)).toEqual(s);
      expect(await store.findSessionByCode(s.code)).toEqual(s);
      expect(await store.listSessions(s.gatewayId)).toEqual([s]);
      expect(await store.countSessionsByZone([s.zoneId])).toEqual({ [s.zoneId]: 1 });
      expect(await store.getUsage(s.day, s.pseudonym)).toBe(3600);
    });

    test('when the same grant is written again, then nothing changes and it is charged once', async () => {
      const s = makeSession();
      await store.grantSession(s, { seconds: 1800, expiresAt: inAnHour() });
      expect(await store.grantSession(s, { seconds: 1800, expiresAt: inAnHour() })).toBe(false);
      expect(await store.getUsage(s.day, s.pseudonym)).toBe(1800);
      expect(await store.listSessions(s.gatewayId)).toEqual([s]);
    });

    test('when two sessions of one device are granted, then both charges add up, and refunds still apply', async () => {
      const a = makeSession();
      const b = makeSession({ pseudonym: a.pseudonym });
      await store.grantSession(a, { seconds: 600, expiresAt: inAnHour() });
      await store.grantSession(b, { seconds: 900, expiresAt: inAnHour() });
      expect(await store.getUsage(a.day, a.pseudonym)).toBe(1500);
      expect(await store.addUsage(a.day, a.pseudonym, -100, inAnHour())).toBe(1400);
      expect(await store.getUsage(a.day, a.pseudonym)).toBe(1400);
    });

    test('when usage was added before a grant, then the grant adds to it', async () => {
      const s = makeSession();
      await store.addUsage(s.day, s.pseudonym, 300, inAnHour());
      await store.grantSession(s, { seconds: 600, expiresAt: inAnHour() });
      expect(await store.getUsage(s.day, s.pseudonym)).toBe(900);
    });

    test('when a grant is refused by the store (a bad charge), then neither the session nor any usage is written', async () => {
      const s = makeSession();
      await expect(store.grantSession(s, { seconds: Number.NaN, expiresAt: inAnHour() })).rejects.toThrow(/finite/);
      expect(await store.getSession(s.id)).toBeUndefined();
      expect(await store.getUsage(s.day, s.pseudonym)).toBe(0);
    });

  });
}
