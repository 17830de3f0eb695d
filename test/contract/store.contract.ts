// The one Store contract, run against every implementation (sqlite-store.test.ts, redis-store.test.ts).
import crypto from 'node:crypto';
import { policySchema } from '../../src/config/schema';
import { SESSION_GRACE_MS, STAT_COUNTERS, compareSessions, emptyCounts, sessionCursor, type ScanOptions, type SessionPage, type SessionRecord, type Store } from '../../src/store/types';
import { describeStaffStoreContract } from './staff-store.contract';
import { describeWorkstationContract } from './workstation.contract';
import { describeQueueContract } from './queue.contract';

const HOUR = 3_600_000;
/** A UTC hour boundary to hang stats on. */
const H0 = Date.UTC(2026, 10, 18, 10);
const DAY = '2026-11-21';
const OTHER_DAY = '2026-11-22';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const inAnHour = () => Date.now() + HOUR;

/** A session as the session service would make it (the address already sealed). */
export function makeSession(over: Partial<SessionRecord> = {}): SessionRecord {
  const now = Date.now();
  return {
    id: crypto.randomBytes(16).toString('base64url'),
    code: crypto.randomBytes(4).toString('hex').slice(0, 6).toUpperCase(),
    gatewayId: 'gw1',
    zoneId: 'wifi',
    day: DAY,
    pseudonym: crypto.randomBytes(32).toString('base64url'),
    sealedAddress: `v1.${crypto.randomBytes(40).toString('base64url')}`,
    startedAt: now,
    endsAt: now + HOUR,
    lastActivityAt: now,
    via: 'click-through',
    ...over,
  };
}

/** Runs the contract against the stores `make` returns (a fresh, initialised store per test). */
export function describeStoreContract(name: string, make: () => Promise<Store>): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('sessions', () => {
      test('when a session is put, then get returns it unchanged', async () => {
        const s = makeSession();
        await store.putSession(s);
        expect(await store.getSession(s.id)).toEqual(s);
      });

      test('when an unknown id or code is looked up, then nothing is returned', async () => {
        expect(await store.getSession('no-such-id')).toBeUndefined();
        expect(await store.findSessionByCode('ZZZZZZ')).toBeUndefined();
      });

      test('when many sessions are read at once, then each comes in the order asked, and nothing where none is', async () => {
        // Several devices, so the records sit in several shards (one MGET each on Redis).
        const sessions = Array.from({ length: 40 }, () => makeSession());
        for (const s of sessions) await store.putSession(s);
        await store.deleteSession(sessions[7]!.id);
        const ids = [sessions[3]!.id, 'no-such-id', ...sessions.map((s) => s.id).reverse(), sessions[3]!.id];
        const expected = ids.map((id) => (id === sessions[7]!.id ? undefined : sessions.find((s) => s.id === id)));
        expect(await store.getSessions(ids)).toEqual(expected);
        expect(await store.getSessions([])).toEqual([]);
        expect(await store.getSessions(['no-such-id'])).toEqual([undefined]);
      });

      test('when a session is put again with the same id, then it replaces the old one and only the new code resolves', async () => {
        const s = makeSession({ code: 'AAAAAA' });
        await store.putSession(s);
        const later = { ...s, code: 'BBBBBB', endsAt: s.endsAt + HOUR, lastActivityAt: s.lastActivityAt + 1000 };
        await store.putSession(later);
        expect(await store.getSession(s.id)).toEqual(later);
        expect(await store.findSessionByCode('BBBBBB')).toEqual(later);
        expect(await store.findSessionByCode('AAAAAA')).toBeUndefined();
        expect(await store.listSessions()).toEqual([later]);
      });

      test('when a session is looked up by its code, then that session is returned', async () => {
        const a = makeSession({ code: 'CODE1A' });
        const b = makeSession({ code: 'CODE2B', gatewayId: 'gw2' });
        await store.putSession(a);
        await store.putSession(b);
        expect(await store.findSessionByCode('CODE1A')).toEqual(a);
        expect(await store.findSessionByCode('CODE2B')).toEqual(b);
      });

      test('when sessions of two gateways are listed, then each gateway sees its own and all lists both', async () => {
        const t = Date.now();
        const a1 = makeSession({ gatewayId: 'gw1', startedAt: t - 2000 });
        const a2 = makeSession({ gatewayId: 'gw1', startedAt: t - 1000 });
        const b1 = makeSession({ gatewayId: 'gw2', startedAt: t - 1500 });
        for (const s of [a2, b1, a1]) await store.putSession(s);
        expect(await store.listSessions('gw1')).toEqual([a1, a2]);
        expect(await store.listSessions('gw2')).toEqual([b1]);
        expect(await store.listSessions('gw3')).toEqual([]);
        expect(await store.listSessions()).toEqual([a1, b1, a2]);
      });

      test('when a session is deleted, then it is gone everywhere and its code no longer resolves', async () => {
        const s = makeSession();
        const other = makeSession();
        await store.putSession(s);
        await store.putSession(other);
        expect(await store.deleteSession(s.id)).toBe(true);
        expect(await store.getSession(s.id)).toBeUndefined();
        expect(await store.findSessionByCode(s.code)).toBeUndefined();
        expect(await store.listSessions()).toEqual([other]);
        expect(await store.listSessions('gw1')).toEqual([other]);
      });

      test('when a missing session is deleted, then delete resolves false', async () => {
        const s = makeSession();
        await store.putSession(s);
        await store.deleteSession(s.id);
        expect(await store.deleteSession(s.id)).toBe(false);
        expect(await store.deleteSession('never-existed')).toBe(false);
      });

      test('when endsAt plus the grace period has passed, then the session is no longer returned', async () => {
        // A second of margin, so a loaded machine still reads it back before it expires.
        const s = makeSession({ endsAt: Date.now() - SESSION_GRACE_MS + 1000 });
        await store.putSession(s);
        expect(await store.getSession(s.id)).toEqual(s);
        await sleep(1100);
        expect(await store.getSession(s.id)).toBeUndefined();
        expect(await store.findSessionByCode(s.code)).toBeUndefined();
        expect(await store.listSessions()).toEqual([]);
        expect(await store.listSessions(s.gatewayId)).toEqual([]);
        await store.sweep(Date.now());
        expect(await store.getSession(s.id)).toBeUndefined();
      });

      test('when a session has ended but is within the grace period, then it is still returned', async () => {
        const s = makeSession({ endsAt: Date.now() - SESSION_GRACE_MS / 2 });
        await store.putSession(s);
        await store.sweep(Date.now());
        expect(await store.getSession(s.id)).toEqual(s);
        expect(await store.listSessions()).toEqual([s]);
      });
    });

    describe('paging through sessions', () => {
      /** Every page of a walk, following `next` until the end. */
      async function walk(gatewayId: string | undefined, limit: number, opts: ScanOptions = {}, between?: (page: number) => Promise<void>) {
        const pages: SessionPage[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.scanSessions(gatewayId, cursor, limit, opts);
          expect(page.sessions.length + page.unread.length).toBeLessThanOrEqual(limit);
          pages.push(page);
          cursor = page.next;
          if (between) await between(pages.length);
        } while (cursor);
        return pages;
      }
      const ids = (pages: SessionPage[]) => pages.flatMap((p) => p.sessions.map((s) => s.id));
      const t = Date.now();

      test('when sessions of two gateways are walked in small pages, then each comes once, in order of end, gateway and id', async () => {
        // Three share one end, so the walk must page through a tie.
        const all = [
          ...Array.from({ length: 7 }, (_, i) => makeSession({ gatewayId: 'gw1', endsAt: t + HOUR + (i % 3) * 1000 })),
          ...Array.from({ length: 5 }, (_, i) => makeSession({ gatewayId: 'gw2', endsAt: t + HOUR + (i % 2) * 1000 })),
        ];
        for (const s of all) await store.putSession(s);
        const ordered = [...all].sort(compareSessions);
        const pages = await walk(undefined, 2);
        expect(ids(pages)).toEqual(ordered.map((s) => s.id));
        expect(pages.flatMap((p) => p.sessions)).toEqual(ordered);
        expect(ids(await walk('gw2', 2))).toEqual(ordered.filter((s) => s.gatewayId === 'gw2').map((s) => s.id));
        expect(await store.scanSessions('gw3', undefined, 10)).toEqual({ sessions: [], unread: [] });
      });

      test('when the walk goes backward from a cursor, then it returns the sessions before it, each once, pages in ascending order', async () => {
        const all = Array.from({ length: 9 }, (_, i) => makeSession({ gatewayId: i % 2 ? 'gw1' : 'gw2', endsAt: t + HOUR + (i % 4) * 1000 }));
        for (const s of all) await store.putSession(s);
        const ordered = [...all].sort(compareSessions);
        const back = await walk(undefined, 4, { backward: true });
        expect(ids([...back].reverse())).toEqual(ordered.map((s) => s.id));
        for (const p of back) expect(p.sessions).toEqual([...p.sessions].sort(compareSessions));
        const before = await store.scanSessions(undefined, sessionCursor(ordered[5]!), 3, { backward: true });
        expect(before.sessions).toEqual(ordered.slice(2, 5));
        expect(before.next).toBe(sessionCursor(ordered[2]!));
        const per = await store.scanSessions('gw1', undefined, 50, { backward: true });
        expect(per.sessions).toEqual(ordered.filter((s) => s.gatewayId === 'gw1'));
      });

      test('when sessions are added and removed during a walk, then every session there throughout comes exactly once', async () => {
        const stay = Array.from({ length: 30 }, (_, i) => makeSession({ endsAt: t + HOUR + i * 1000 }));
        const leave = Array.from({ length: 10 }, (_, i) => makeSession({ endsAt: t + HOUR + i * 3000 + 500 }));
        for (const s of [...stay, ...leave]) await store.putSession(s);
        let added = 0;
        const pages = await walk('gw1', 4, {}, async (n) => {
          // Some are added ahead of the walk and behind it; some not yet reached are removed.
          await store.putSession(makeSession({ endsAt: t + HOUR + (n % 2 ? 60_000 : 0) + n }));
          added++;
          const gone = leave[n - 1];
          if (gone) await store.deleteSession(gone.id);
        });
        const seen = ids(pages);
        expect(new Set(seen).size).toBe(seen.length);
        for (const s of stay) expect(seen.filter((id) => id === s.id)).toHaveLength(1);
        expect(added).toBe(pages.length);
      });

      test('when the caller says which records to read, then only those are read and the others are listed as unread', async () => {
        const a = makeSession({ endsAt: t + HOUR });
        const b = makeSession({ endsAt: t + HOUR + 1000 });
        await store.putSession(a);
        await store.putSession(b);
        const seen: [string, number][] = [];
        const page = await store.scanSessions('gw1', undefined, 10, { read: (id, endsAt) => (seen.push([id, endsAt]), id === b.id) });
        expect(page.sessions).toEqual([b]);
        expect(page.unread).toEqual([a.id]);
        expect(seen).toEqual([[a.id, a.endsAt], [b.id, b.endsAt]]);
      });

      test('when ended sessions are left out, then only running ones are walked; within the grace period the others still are', async () => {
        const ended = makeSession({ endsAt: t - 60_000 });
        const running = makeSession({ endsAt: t + HOUR });
        await store.putSession(ended);
        await store.putSession(running);
        expect((await store.scanSessions(undefined, undefined, 10, { endingAfter: Date.now() })).sessions).toEqual([running]);
        expect((await store.scanSessions('gw1', undefined, 10)).sessions).toEqual([ended, running]);
      });

      test('when sessions run in zones of several gateways, then they are counted per zone without the ended ones', async () => {
        await store.putSession(makeSession({ zoneId: 'wifi', gatewayId: 'gw1' }));
        await store.putSession(makeSession({ zoneId: 'wifi', gatewayId: 'gw2' }));
        const moving = makeSession({ zoneId: 'kiosks', gatewayId: 'gw2' });
        await store.putSession(moving);
        await store.putSession(makeSession({ zoneId: 'kiosks', endsAt: t - 60_000 }));
        expect(await store.countSessionsByZone(['wifi', 'kiosks', 'lab'])).toEqual({ wifi: 2, kiosks: 1, lab: 0 });
        await store.putSession({ ...moving, zoneId: 'lab' });
        await store.deleteSession((await store.listSessions('gw1')).find((s) => s.zoneId === 'wifi')!.id);
        expect(await store.countSessionsByZone(['wifi', 'kiosks', 'lab'])).toEqual({ wifi: 1, kiosks: 0, lab: 1 });
      });

      test('when a session is ended early or taken, then its zone no longer counts it', async () => {
        const a = makeSession({ zoneId: 'wifi' });
        const b = makeSession({ zoneId: 'wifi' });
        const c = makeSession({ zoneId: 'wifi' });
        for (const s of [a, b, c]) await store.putSession(s);
        expect(await store.countSessionsByZone(['wifi'])).toEqual({ wifi: 3 });
        expect(await store.setSessionEnd(a.id, a.endsAt, t - 60_000)).toBeDefined();
        expect(await store.takeSession(b.id, b.endsAt)).toBeDefined();
        expect(await store.countSessionsByZone(['wifi'])).toEqual({ wifi: 1 });
        expect(await store.setSessionEnd(c.id, c.endsAt, c.endsAt + HOUR)).toBeDefined();
        expect(await store.countSessionsByZone(['wifi'])).toEqual({ wifi: 1 });
      });

      test('when a cursor is not one the store made, then the walk is refused with a RangeError', async () => {
        await expect(store.scanSessions(undefined, 'not-a-cursor', 10)).rejects.toThrow(RangeError);
      });

      test('when more sessions expire than the sweep deletes at once, then it deletes them all', async () => {
        const soon = Date.now() - SESSION_GRACE_MS + 400;
        // 100 writes at a time: all at once can outlast Redis's command timeout on a busy machine.
        for (let i = 0; i < 1200; i += 100) await Promise.all(Array.from({ length: 100 }, () => store.putSession(makeSession({ endsAt: soon }))));
        await sleep(500);
        await store.sweep(Date.now());
        expect(await store.listSessions()).toEqual([]);
        expect(await store.scanSessions(undefined, undefined, 10)).toEqual({ sessions: [], unread: [] });
      }, 120_000);
    });

    describe('daily usage', () => {
      test('when usage is added and refunded, then each call returns the running total', async () => {
        expect(await store.addUsage(DAY, 'p1', 600, inAnHour())).toBe(600);
        expect(await store.addUsage(DAY, 'p1', 300, inAnHour())).toBe(900);
        expect(await store.addUsage(DAY, 'p1', -200, inAnHour())).toBe(700);
        expect(await store.getUsage(DAY, 'p1')).toBe(700);
      });

      test('when nothing was used, then usage is zero', async () => {
        expect(await store.getUsage(DAY, 'nobody')).toBe(0);
      });

      test('when usage is added for different days and pseudonyms, then each total is kept apart', async () => {
        await store.addUsage(DAY, 'p1', 60, inAnHour());
        await store.addUsage(DAY, 'p2', 120, inAnHour());
        await store.addUsage(OTHER_DAY, 'p1', 180, inAnHour());
        expect(await store.getUsage(DAY, 'p1')).toBe(60);
        expect(await store.getUsage(DAY, 'p2')).toBe(120);
        expect(await store.getUsage(OTHER_DAY, 'p1')).toBe(180);
        expect(await store.getUsage(OTHER_DAY, 'p2')).toBe(0);
      });

      test('when usage reaches its expiry, then it reads as zero and counting starts again', async () => {
        await store.addUsage(DAY, 'p1', 500, Date.now() + 150);
        expect(await store.getUsage(DAY, 'p1')).toBe(500);
        await sleep(300);
        expect(await store.getUsage(DAY, 'p1')).toBe(0);
        expect(await store.addUsage(DAY, 'p1', 30, inAnHour())).toBe(30);
        await store.sweep(Date.now());
        expect(await store.getUsage(DAY, 'p1')).toBe(30);
      });
    });

    describe('policies', () => {
      test('when no policy was set, then none is returned', async () => {
        expect(await store.getPolicy('wifi')).toBeUndefined();
      });

      test('when a policy is set and set again, then get returns the latest, per zone', async () => {
        const first = policySchema.parse({ sessionMinutes: 45, openingHours: { mon: [{ open: '09:00', close: '17:30' }] } });
        const second = policySchema.parse({ accessMode: 'pass', dailyMinutes: 90, closures: [{ date: '2026-12-25', reason: 'Holiday' }] });
        await store.setPolicy('wifi', first);
        expect(await store.getPolicy('wifi')).toEqual(first);
        await store.setPolicy('wifi', second);
        await store.setPolicy('kiosks', first);
        expect(await store.getPolicy('wifi')).toEqual(second);
        expect(await store.getPolicy('kiosks')).toEqual(first);
      });
    });

    describe('library settings', () => {
      test('when no setting was saved, then none is returned', async () => {
        expect(await store.getLibrarySetting('settings')).toBeUndefined();
        expect(await store.getLibrarySetting('logo')).toBeUndefined();
      });

      test('when settings are saved, saved again and cleared, then get returns the latest, per name, and nothing once cleared', async () => {
        const big = JSON.stringify({ type: 'image/png', data: crypto.randomBytes(40_000).toString('base64') });
        await store.setLibrarySetting('settings', '{"libraryName":"Riverside"}');
        await store.setLibrarySetting('logo', big);
        await store.setLibrarySetting('settings', '{"libraryName":"Riverside — مكتبة"}');
        expect(await store.getLibrarySetting('settings')).toBe('{"libraryName":"Riverside — مكتبة"}');
        expect(await store.getLibrarySetting('logo')).toBe(big);
        await store.setLibrarySetting('logo', undefined);
        expect(await store.getLibrarySetting('logo')).toBeUndefined();
        expect(await store.getLibrarySetting('settings')).toBe('{"libraryName":"Riverside — مكتبة"}');
        await store.sweep(Date.now() + 400 * 86_400_000);
        expect(await store.getLibrarySetting('settings')).toBe('{"libraryName":"Riverside — مكتبة"}');
      });
    });

    describe('statistics', () => {
      test('when counters are bumped, then readStats adds them up and fills every other counter with zero', async () => {
        await store.bumpStats('wifi', H0, { sessionsStarted: 1 }, inAnHour());
        await store.bumpStats('wifi', H0, { sessionsStarted: 2, minutesUsed: 45 }, inAnHour());
        const rows = await store.readStats(H0, H0 + HOUR);
        expect(rows).toEqual([
          { zoneId: 'wifi', hour: H0, counts: { ...emptyCounts(), sessionsStarted: 3, minutesUsed: 45 }, peakConcurrent: 0 },
        ]);
        expect(Object.keys(rows[0]!.counts).sort()).toEqual([...STAT_COUNTERS].sort());
      });

      test('when the peak is raised, then it only ever goes up', async () => {
        await store.raisePeak('wifi', H0, 5, inAnHour());
        await store.raisePeak('wifi', H0, 3, inAnHour());
        expect((await store.readStats(H0, H0 + HOUR))[0]?.peakConcurrent).toBe(5);
        await store.raisePeak('wifi', H0, 7, inAnHour());
        await store.bumpStats('wifi', H0, { kioskUses: 1 }, inAnHour());
        const [row] = await store.readStats(H0, H0 + HOUR);
        expect(row).toEqual({ zoneId: 'wifi', hour: H0, counts: { ...emptyCounts(), kioskUses: 1 }, peakConcurrent: 7 });
      });

      test('when stats are read for a range and a zone, then only those rows come back, by hour then zone', async () => {
        await store.bumpStats('wifi', H0 + HOUR, { learnViews: 2 }, inAnHour());
        await store.bumpStats('kiosks', H0 + HOUR, { kioskUses: 1 }, inAnHour());
        await store.bumpStats('wifi', H0, { sessionsStarted: 1 }, inAnHour());
        await store.bumpStats('wifi', H0 + 2 * HOUR, { refusedClosed: 4 }, inAnHour());
        await store.bumpStats('wifi', H0 - HOUR, { refusedAllowance: 1 }, inAnHour());
        const all = await store.readStats(H0, H0 + 2 * HOUR);
        expect(all.map((r) => [r.hour, r.zoneId])).toEqual([
          [H0, 'wifi'],
          [H0 + HOUR, 'kiosks'],
          [H0 + HOUR, 'wifi'],
        ]);
        const wifi = await store.readStats(H0 - HOUR, H0 + 3 * HOUR, 'wifi');
        expect(wifi.map((r) => r.hour)).toEqual([H0 - HOUR, H0, H0 + HOUR, H0 + 2 * HOUR]);
        expect(await store.readStats(H0, H0 + 3 * HOUR, 'nowhere')).toEqual([]);
      });

      test('when a stats row reaches its retention expiry, then it is no longer read', async () => {
        await store.bumpStats('wifi', H0, { passesRedeemed: 1 }, Date.now() + 150);
        await store.raisePeak('wifi', H0, 2, Date.now() + 150);
        await store.bumpStats('wifi', H0 + HOUR, { passesRedeemed: 1 }, inAnHour());
        await sleep(300);
        await store.sweep(Date.now());
        expect((await store.readStats(H0, H0 + 2 * HOUR)).map((r) => r.hour)).toEqual([H0 + HOUR]);
      });
    });

    describe('purging a day', () => {
      test('when a day is purged, then its usage and sessions go and everything else stays', async () => {
        const today = makeSession({ day: DAY });
        const tomorrow = makeSession({ day: OTHER_DAY, gatewayId: 'gw2' });
        await store.putSession(today);
        await store.putSession(tomorrow);
        await store.addUsage(DAY, 'p1', 60, inAnHour());
        await store.addUsage(OTHER_DAY, 'p1', 90, inAnHour());
        const policy = policySchema.parse({});
        await store.setPolicy('wifi', policy);
        await store.bumpStats('wifi', H0, { sessionsStarted: 2 }, inAnHour());

        await store.purgeDay(DAY);

        expect(await store.getSession(today.id)).toBeUndefined();
        expect(await store.findSessionByCode(today.code)).toBeUndefined();
        expect(await store.getUsage(DAY, 'p1')).toBe(0);
        expect(await store.listSessions()).toEqual([tomorrow]);
        expect(await store.findSessionByCode(tomorrow.code)).toEqual(tomorrow);
        expect(await store.getUsage(OTHER_DAY, 'p1')).toBe(90);
        expect(await store.getPolicy('wifi')).toEqual(policy);
        expect(await store.readStats(H0, H0 + HOUR)).toHaveLength(1);
      });
    });

    describe('purging a day of one gateway', () => {
      test('when a day is purged for one gateway, then its usage goes and other gateways keep their sessions', async () => {
        const mine = makeSession({ day: DAY, gatewayId: 'gw1' });
        const theirs = makeSession({ day: DAY, gatewayId: 'gw2' });
        await store.putSession(mine);
        await store.putSession(theirs);
        await store.addUsage(DAY, 'p1', 60, inAnHour());

        await store.purgeDay(DAY, 'gw1');

        expect(await store.getSession(mine.id)).toBeUndefined();
        expect(await store.getSession(theirs.id)).toEqual(theirs);
        expect(await store.getUsage(DAY, 'p1')).toBe(0);
      });
    });

    describe('re-sealing an address (compare-and-set)', () => {
      test('when the record still holds the sealed address read, then it is replaced and nothing else changes', async () => {
        const s = makeSession({ sealedAddress: 'e1.old' });
        await store.putSession(s);
        expect(await store.replaceSealedAddress(s, 'e2.new')).toBe(true);
        expect(await store.getSession(s.id)).toEqual({ ...s, sealedAddress: 'e2.new' });
        expect(await store.findSessionByCode(s.code)).toEqual({ ...s, sealedAddress: 'e2.new' });
      });

      test('when the record changed since it was read, then nothing is replaced', async () => {
        const s = makeSession({ sealedAddress: 'e1.old' });
        await store.putSession({ ...s, sealedAddress: 'e2.other' });
        expect(await store.replaceSealedAddress(s, 'e3.new')).toBe(false);
        expect((await store.getSession(s.id))?.sealedAddress).toBe('e2.other');
      });

      test('when the session is gone, then nothing is written back', async () => {
        const s = makeSession({ sealedAddress: 'e1.old' });
        await store.putSession(s);
        await store.deleteSession(s.id);
        expect(await store.replaceSealedAddress(s, 'e2.new')).toBe(false);
        expect(await store.getSession(s.id)).toBeUndefined();
        expect(await store.listSessions()).toEqual([]);
      });

      test('when many are re-sealed at once, then each answers for itself, in order, and only those still as read change', async () => {
        // Many devices, so the records sit in several shards (one script each on Redis).
        const sessions = Array.from({ length: 40 }, (_, i) => makeSession({ sealedAddress: `e1.old${i}` }));
        for (const s of sessions) await store.putSession(s);
        await store.putSession({ ...sessions[5]!, sealedAddress: 'e1.changed' });
        await store.deleteSession(sessions[9]!.id);
        const done = await store.replaceSealedAddresses(sessions.map((s, i) => ({ session: s, next: `e2.new${i}` })));
        expect(done).toEqual(sessions.map((_, i) => i !== 5 && i !== 9));
        expect(await store.getSessions(sessions.map((s) => s.id))).toEqual(
          sessions.map((s, i) => (i === 9 ? undefined : { ...s, sealedAddress: i === 5 ? 'e1.changed' : `e2.new${i}` })),
        );
        expect(await store.replaceSealedAddresses([])).toEqual([]);
      });
    });

    // Public workstations.
    describeWorkstationContract(() => store);

    // Kiosk queues.
    describeQueueContract(() => store);

    describe('lifecycle', () => {
      test('when the store is up, then ping resolves', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      test('when the store is up, then a gateway can write, and once it is closed it cannot', async () => {
        await expect(store.checkWritable('gw1')).resolves.toBeUndefined();
        await store.close();
        await expect(store.checkWritable('gw1')).rejects.toThrow();
        await store.init();
      });

      test('when init is called again, then it succeeds and keeps the data', async () => {
        const s = makeSession();
        await store.putSession(s);
        await store.init();
        await store.init();
        expect(await store.getSession(s.id)).toEqual(s);
      });

      test('when the store is asked its kind, then it names its backend', () => {
        expect(['sqlite', 'redis']).toContain(store.kind);
      });
    });

    // Staff console records (accounts, console sessions, audit log, passes).
    describeStaffStoreContract(() => store);
  });
}
