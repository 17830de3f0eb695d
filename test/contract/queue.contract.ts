// The queue part of the Store contract (called from store.contract.ts for every backend): the
// compare-and-set the queue service is built on, and the service's tickets, holds, claims and
// pass-on run against the real store, with parallel writers.
import type { Policy } from '../../src/config/schema';
import { policySchema } from '../../src/config/schema';
import { cryptoRandom } from '../../src/privacy/random';
import { QueueService } from '../../src/queue/queue-service';
import type { Store, ZoneQueue } from '../../src/store/types';
import { makeReport } from '../helpers/workstations';

const MIN = 60_000;

function doc(over: Partial<ZoneQueue> = {}): ZoneQueue {
  return { day: '2026-11-18', next: 3, tickets: [{ number: 2, keyHash: 'k2', claimHash: 'c2', issuedAt: 1 }], ...over };
}

/** A clock on real time (the store's TTLs count from it), moved forward by `skip`. */
export class SteppingClock {
  offset = 0;
  now(): number {
    return Date.now() + this.offset;
  }
  skip(ms: number): void {
    this.offset += ms;
  }
}

/** A queue service on `store` for a kiosk zone "kiosks" (holds of 5 minutes) and the given running sessions. */
export function queueServiceOn(store: Store, clock: SteppingClock, running: { zoneId: string; endsAt: number }[] = []): QueueService {
  const policy: Policy = policySchema.parse({ sessionMinutes: 30, holdMinutes: 5 });
  return new QueueService({
    config: { zones: [{ id: 'kiosks', name: 'Basement PCs', subnets: ['10.20.0.0/16'], kind: 'kiosk', policy }], timezone: 'UTC', statsRetentionDays: 30 },
    store,
    clock,
    random: cryptoRandom,
    policies: { get: async () => policy },
    running: () => running,
  });
}

/** Enrols PCs in "kiosks", seen now by a heartbeat, free (or in use). */
export async function addPcs(store: Store, clock: SteppingClock, names: string[], inUse = false): Promise<void> {
  for (const name of names) {
    await store.workstations.add({ name, zoneId: 'kiosks', tokenHash: `h-${name}`, enrolledAt: clock.now(), mode: 'in-service', inUse });
  }
  await seen(store, clock, names);
}

/** A heartbeat from each PC now (a PC not heard from lately is not offered to the queue). */
export async function seen(store: Store, clock: SteppingClock, names: string[]): Promise<void> {
  for (const name of names) await store.workstations.recordHealth(name, [{ receivedAt: clock.now(), report: makeReport() }], clock.now());
}

export function describeQueueContract(store: () => Store): void {
  const queue = () => store().queue;
  describe('kiosk queue: compare-and-set', () => {
    test('when nothing was written, then a zone has no queue', async () => {
      expect(await queue().read('kiosks')).toBeUndefined();
    });

    test('when a queue is written from version 0, then it reads back at version 1, and each write counts one more', async () => {
      expect(await queue().write('kiosks', 0, doc(), Date.now() + 60 * MIN)).toBe(true);
      expect(await queue().read('kiosks')).toEqual({ version: 1, queue: doc() });
      expect(await queue().write('kiosks', 1, doc({ next: 4 }), Date.now() + 60 * MIN)).toBe(true);
      expect(await queue().read('kiosks')).toEqual({ version: 2, queue: doc({ next: 4 }) });
      expect(await queue().read('other')).toBeUndefined();
    });

    test('when a writer names a version that is not the stored one, then nothing changes', async () => {
      await queue().write('kiosks', 0, doc(), Date.now() + 60 * MIN);
      expect(await queue().write('kiosks', 0, doc({ next: 9 }), Date.now() + 60 * MIN)).toBe(false);
      expect(await queue().write('kiosks', 2, doc({ next: 9 }), Date.now() + 60 * MIN)).toBe(false);
      expect(await queue().read('kiosks')).toEqual({ version: 1, queue: doc() });
    });

    test('when a queue is deleted, then nothing is kept and a new one starts from version 0', async () => {
      await queue().write('kiosks', 0, doc(), Date.now() + 60 * MIN);
      expect(await queue().write('kiosks', 1, undefined, Date.now() + 60 * MIN)).toBe(true);
      expect(await queue().read('kiosks')).toBeUndefined();
      expect(await queue().write('kiosks', 0, doc(), Date.now() + 60 * MIN)).toBe(true);
    });

    test('when a queue reaches its expiry, then it is gone (and the sweep deletes it)', async () => {
      await queue().write('kiosks', 0, doc(), Date.now() + 150);
      const deadline = Date.now() + 5000;
      while ((await queue().read('kiosks')) !== undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      await store().sweep(Date.now());
      expect(await queue().read('kiosks')).toBeUndefined();
      expect(await queue().write('kiosks', 0, doc(), Date.now() + 60 * MIN)).toBe(true);
    });
  });

  describe('kiosk queue: tickets, holds, claims', () => {
    test('when twenty tickets are taken at once, then each gets its own number, 1 to 20', async () => {
      const svc = queueServiceOn(store(), new SteppingClock());
      const taken = await Promise.all(Array.from({ length: 20 }, () => svc.take('kiosks')));
      const labels = taken.map((t) => (t.ok ? t.label : '')).sort((a, b) => Number(a.slice(2)) - Number(b.slice(2)));
      expect(labels).toEqual(Array.from({ length: 20 }, (_, i) => `B-${i + 1}`));
      expect((await svc.board('kiosks')).waiting).toHaveLength(20);
    });

    test('when a PC frees up, then it is held for the first ticket; the claim code serves it; an unclaimed hold passes on', async () => {
      const clock = new SteppingClock();
      const svc = queueServiceOn(store(), clock);
      const a = await svc.take('kiosks');
      const b = await svc.take('kiosks');
      if (!a.ok || !b.ok) throw new Error('tickets refused');
      expect((await svc.ticket('kiosks', b.key))?.position).toBe(2);
      await addPcs(store(), clock, ['pc-1']);
      expect(await svc.holdAt('kiosks', 'pc-1')).toEqual({ label: 'B-1', until: expect.any(Number) });
      expect((await svc.ticket('kiosks', a.key))?.held?.pc).toBe('pc-1');
      expect((await svc.ticket('kiosks', b.key))?.position).toBe(1);
      // B-1 does not come: after the hold's five minutes it passes to B-2.
      clock.skip(5 * MIN + 1000);
      await seen(store(), clock, ['pc-1']);
      expect(await svc.holdAt('kiosks', 'pc-1')).toMatchObject({ label: 'B-2' });
      expect(await svc.ticket('kiosks', a.key)).toBeUndefined();
      expect(await svc.claim('kiosks', 'pc-1', a.claimCode)).toEqual({ ok: false, reason: 'wrong-code' });
      expect(await svc.claim('kiosks', 'pc-1', b.claimCode.toLowerCase())).toMatchObject({ ok: true });
      expect(await svc.ticket('kiosks', b.key)).toBeUndefined();
      expect(await svc.holdAt('kiosks', 'pc-1')).toBeUndefined();
      const left = await queue().read('kiosks');
      expect(left?.queue.tickets).toEqual([]);
    });

    test('when two gateways settle and claim at once, then one PC is held for one ticket and the ticket is served once', async () => {
      const clock = new SteppingClock();
      const one = queueServiceOn(store(), clock);
      const two = queueServiceOn(store(), clock);
      const tickets = await Promise.all([one.take('kiosks'), two.take('kiosks'), one.take('kiosks')]);
      await addPcs(store(), clock, ['pc-1', 'pc-2']);
      await Promise.all([one.settle('kiosks'), two.settle('kiosks'), one.settle('kiosks'), two.settle('kiosks')]);
      const board = await one.board('kiosks');
      expect(board.held.map((h) => h.pc).sort()).toEqual(['pc-1', 'pc-2']);
      expect(new Set(board.held.map((h) => h.number)).size).toBe(2);
      const first = tickets.find((t) => t.ok && t.label === board.held[0]!.label)!;
      if (!first.ok) throw new Error('no ticket');
      const claims = await Promise.all([one.claim('kiosks', board.held[0]!.pc, first.claimCode), two.claim('kiosks', board.held[0]!.pc, first.claimCode)]);
      expect(claims.filter((c) => c.ok)).toHaveLength(1);
    });

    test('when wrong codes are typed at a held PC five times, then it takes no code for that hold, the right one included', async () => {
      const clock = new SteppingClock();
      const svc = queueServiceOn(store(), clock);
      const t = await svc.take('kiosks');
      if (!t.ok) throw new Error('refused');
      await addPcs(store(), clock, ['pc-1']);
      for (let i = 0; i < 4; i++) expect(await svc.claim('kiosks', 'pc-1', 'AAAAAA')).toEqual({ ok: false, reason: 'wrong-code' });
      expect(await svc.claim('kiosks', 'pc-1', 'AAAAAA')).toEqual({ ok: false, reason: 'too-many' });
      expect(await svc.claim('kiosks', 'pc-1', t.claimCode)).toEqual({ ok: false, reason: 'too-many' });
    });

    test('when staff skip, move and cancel tickets, then the line changes and a cancelled ticket is gone', async () => {
      const clock = new SteppingClock();
      const svc = queueServiceOn(store(), clock);
      const [a, b, c] = await Promise.all([svc.take('kiosks'), svc.take('kiosks'), svc.take('kiosks')]);
      expect(await svc.skip('kiosks', 1)).toBe(true);
      expect((await svc.board('kiosks')).waiting.map((w) => w.number)).toEqual([2, 3, 1]);
      expect(await svc.moveTo('kiosks', 3, 'pc-9')).toBe(true);
      expect((await svc.board('kiosks')).held).toEqual([{ label: 'B-3', number: 3, pc: 'pc-9', until: expect.any(Number) }]);
      expect(await svc.cancel('kiosks', 2)).toBe(true);
      expect(await svc.cancel('kiosks', 2)).toBe(false);
      expect((await svc.board('kiosks')).waiting.map((w) => w.number)).toEqual([1]);
      expect([a, b, c].every((t) => t.ok)).toBe(true);
    });
  });
}
