// The grant part of the Store contract (all or nothing, idempotent by session id), run against
// every implementation from sqlite-store.test.ts and redis-store.test.ts.
import crypto from 'node:crypto';
import type { SessionRecord, Store } from '../../src/store/types';
import { makeSession } from './store.contract';

const HOUR = 3_600_000;
const inAnHour = () => Date.now() + HOUR;

/** A session whose code the store can check in the same step as its grant (as the service draws them). */
export function checkableSession(store: Store, over: Partial<SessionRecord> = {}): SessionRecord {
  const s = makeSession(over);
  for (;;) {
    const code = crypto.randomBytes(4).toString('hex').slice(0, 6).toUpperCase();
    if (store.codeFits?.(code, s.pseudonym) ?? true) return { ...s, code };
  }
}

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

    test('when a checked grant was planned from the stored total, then it is written and charged as an unchecked one', async () => {
      const s = checkableSession(store);
      await store.addUsage(s.day, s.pseudonym, 300, inAnHour());
      expect(await store.grantSession(s, { seconds: 600, expiresAt: inAnHour() }, { usedSeconds: 300 })).toBe(true);
      expect(await store.getSession(s.id)).toEqual(s);
      expect(await store.findSessionByCode(s.code)).toEqual(s);
      expect(await store.getUsage(s.day, s.pseudonym)).toBe(900);
    });

    test('when a new device is granted with a check of 0, then it is written', async () => {
      const s = checkableSession(store);
      expect(await store.grantSession(s, { seconds: 600, expiresAt: inAnHour() }, { usedSeconds: 0 })).toBe(true);
      expect(await store.getUsage(s.day, s.pseudonym)).toBe(600);
    });

    test('when the stored total is not the one planned from, then nothing is written or charged and the stored total comes back', async () => {
      const s = checkableSession(store);
      // Another branch charged the device after this gateway last read its usage.
      await store.addUsage(s.day, s.pseudonym, 1200.5, inAnHour());
      expect(await store.grantSession(s, { seconds: 600, expiresAt: inAnHour() }, { usedSeconds: 0 })).toEqual({ conflict: 'usage', usedSeconds: 1200.5 });
      expect(await store.getSession(s.id)).toBeUndefined();
      expect(await store.findSessionByCode(s.code)).toBeUndefined();
      expect(await store.listSessions(s.gatewayId)).toEqual([]);
      expect(await store.getUsage(s.day, s.pseudonym)).toBe(1200.5);
      // Planned again from the stored total, the same grant goes through and is charged once.
      expect(await store.grantSession(s, { seconds: 600, expiresAt: inAnHour() }, { usedSeconds: 1200.5 })).toBe(true);
      expect(await store.getUsage(s.day, s.pseudonym)).toBe(1800.5);
    });

    test('when a refund made the stored total fractional, then a check with that total still matches', async () => {
      const s = checkableSession(store);
      await store.addUsage(s.day, s.pseudonym, 3600, inAnHour());
      const total = await store.addUsage(s.day, s.pseudonym, -1234.567, inAnHour());
      expect(await store.grantSession(s, { seconds: 60, expiresAt: inAnHour() }, { usedSeconds: total })).toBe(true);
    });

    test('when the code belongs to another live session, then nothing is written or charged and the other keeps its code', async () => {
      const a = checkableSession(store);
      await store.grantSession(a, { seconds: 600, expiresAt: inAnHour() }, { usedSeconds: 0 });
      let b = checkableSession(store);
      // The same code, for a device whose key space the code fits as well.
      while (!(store.codeFits?.(a.code, b.pseudonym) ?? true)) b = checkableSession(store);
      b = { ...b, code: a.code };
      expect(await store.grantSession(b, { seconds: 900, expiresAt: inAnHour() }, { usedSeconds: 0 })).toEqual({ conflict: 'code' });
      expect(await store.getSession(b.id)).toBeUndefined();
      expect(await store.getUsage(b.day, b.pseudonym)).toBe(0);
      expect(await store.findSessionByCode(a.code)).toEqual(a);
      expect(await store.listSessions(a.gatewayId)).toEqual([a]);
    });

    test('when a checked grant is sent again, or replayed unchecked, then it is charged once and reports no conflict', async () => {
      const s = checkableSession(store);
      expect(await store.grantSession(s, { seconds: 600, expiresAt: inAnHour() }, { usedSeconds: 0 })).toBe(true);
      expect(await store.grantSession(s, { seconds: 600, expiresAt: inAnHour() }, { usedSeconds: 0 })).toBe(false);
      expect(await store.grantSession(s, { seconds: 600, expiresAt: inAnHour() })).toBe(false);
      expect(await store.getUsage(s.day, s.pseudonym)).toBe(600);
      expect(await store.findSessionByCode(s.code)).toEqual(s);
    });

    test('when a replay (no check) meets a changed total, then it is written and charged all the same', async () => {
      const s = checkableSession(store);
      await store.addUsage(s.day, s.pseudonym, 500, inAnHour());
      expect(await store.grantSession(s, { seconds: 600, expiresAt: inAnHour() })).toBe(true);
      expect(await store.getUsage(s.day, s.pseudonym)).toBe(1100);
    });

  });
}
