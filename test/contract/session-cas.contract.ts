// The compare-and-set part of the Store contract (setSessionEnd, takeSession), run against
// every implementation, with races between two stores on the same data (two gateways).
import type { Store } from '../../src/store/types';
import { makeSession } from './store.contract';

const MIN = 60_000;

/**
 * Runs the compare-and-set contract. `make` gives a fresh store; `second` opens another store on
 * the same data (another process or gateway), to race the first.
 */
export function describeSessionCasContract(name: string, make: () => Promise<{ store: Store; second(): Promise<Store> }>): void {
  describe(`Store contract, compare-and-set: ${name}`, () => {
    let store: Store;
    let second: () => Promise<Store>;
    const opened: Store[] = [];
    beforeEach(async () => {
      ({ store, second } = await make());
      opened.push(store);
    });
    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });
    const other = async () => {
      const s = await second();
      opened.push(s);
      return s;
    };

    test('when the end is still the one expected, then setSessionEnd moves it and get, list and code see it', async () => {
      const s = makeSession();
      await store.putSession(s);
      const changed = await store.setSessionEnd(s.id, s.endsAt, s.endsAt + 30 * MIN);
      expect(changed).toEqual({ ...s, endsAt: s.endsAt + 30 * MIN });
      expect(await store.getSession(s.id)).toEqual(changed);
      expect(await store.findSessionByCode(s.code)).toEqual(changed);
      expect(await store.listSessions('gw1')).toEqual([changed]);
    });

    test('when the end changed meanwhile, then setSessionEnd and takeSession change nothing', async () => {
      const s = makeSession();
      await store.putSession(s);
      expect(await store.setSessionEnd(s.id, s.endsAt - 1, s.endsAt + MIN)).toBeUndefined();
      expect(await store.takeSession(s.id, s.endsAt + 1)).toBeUndefined();
      expect(await store.getSession(s.id)).toEqual(s);
    });

    test('when a session is taken, then it is gone with its code, and a second take or a move finds nothing', async () => {
      const s = makeSession();
      await store.putSession(s);
      expect(await store.takeSession(s.id, s.endsAt)).toEqual(s);
      expect(await store.getSession(s.id)).toBeUndefined();
      expect(await store.findSessionByCode(s.code)).toBeUndefined();
      expect(await store.listSessions()).toEqual([]);
      expect(await store.takeSession(s.id, s.endsAt)).toBeUndefined();
      expect(await store.setSessionEnd(s.id, s.endsAt, s.endsAt + MIN)).toBeUndefined();
      expect(await store.getSession(s.id)).toBeUndefined();
    });

    test('when a move or a take carries a usage change, then the device\'s usage changes with it, and not when it loses', async () => {
      const s = makeSession();
      await store.putSession(s);
      const usage = (deltaSeconds: number) => ({ day: s.day, pseudonym: s.pseudonym, deltaSeconds, expiresAt: s.endsAt + 2 * 86_400_000 });
      await store.addUsage(s.day, s.pseudonym, 3600, usage(0).expiresAt);
      // Lost (the end is not the one expected): neither the session nor the usage changes.
      expect(await store.setSessionEnd(s.id, s.endsAt - 1, s.endsAt + 15 * MIN, usage(900))).toBeUndefined();
      expect(await store.takeSession(s.id, s.endsAt + 1, usage(-600))).toBeUndefined();
      expect([(await store.getSession(s.id))?.endsAt, await store.getUsage(s.day, s.pseudonym)]).toEqual([s.endsAt, 3600]);
      // Landed: both.
      const moved = await store.setSessionEnd(s.id, s.endsAt, s.endsAt + 15 * MIN, usage(900));
      expect([moved?.endsAt, await store.getUsage(s.day, s.pseudonym)]).toEqual([s.endsAt + 15 * MIN, 4500]);
      expect(await store.takeSession(s.id, s.endsAt + 15 * MIN, usage(-600))).toEqual(moved);
      expect([await store.getSession(s.id), await store.getUsage(s.day, s.pseudonym)]).toEqual([undefined, 3900]);
      // A take of what is gone changes no usage either.
      expect(await store.takeSession(s.id, s.endsAt + 15 * MIN, usage(-600))).toBeUndefined();
      expect(await store.getUsage(s.day, s.pseudonym)).toBe(3900);
    });

    test('when an unknown session is moved or taken, then the answer is undefined', async () => {
      expect(await store.setSessionEnd('nope', 1, 2)).toBeUndefined();
      expect(await store.takeSession('nope', 1)).toBeUndefined();
    });

    test('when two stores race to move and to take the same sessions, then exactly one wins each and the loser changes nothing', async () => {
      const b = await other();
      const sessions = Array.from({ length: 20 }, () => makeSession());
      for (const s of sessions) await store.putSession(s);
      const results = await Promise.all(
        sessions.map(async (s, i) => {
          const [moved, taken] = await Promise.all(
            i % 2 ? [store.setSessionEnd(s.id, s.endsAt, s.endsAt + MIN), b.takeSession(s.id, s.endsAt)] : [b.setSessionEnd(s.id, s.endsAt, s.endsAt + MIN), store.takeSession(s.id, s.endsAt)],
          );
          return { s, moved, taken };
        }),
      );
      for (const { s, moved, taken } of results) {
        expect([moved, taken].filter((x) => x !== undefined)).toHaveLength(1);
        const now = await store.getSession(s.id);
        if (taken) expect(now).toBeUndefined();
        else expect(now?.endsAt).toBe(s.endsAt + MIN);
      }
    });

    test('when many moves race from the same end, then one wins and the end moved once', async () => {
      const b = await other();
      const s = makeSession();
      await store.putSession(s);
      const tries = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? store : b).setSessionEnd(s.id, s.endsAt, s.endsAt + (i + 1) * MIN)));
      const winners = tries.filter((t) => t !== undefined);
      expect(winners).toHaveLength(1);
      expect((await store.getSession(s.id))?.endsAt).toBe(winners[0]!.endsAt);
    });
  });
}
