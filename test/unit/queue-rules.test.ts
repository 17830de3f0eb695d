// The queue's pure rules: service order (due bookings first), holds, pass-on, and the wait estimate.
import * as R from '../../src/queue/queue-rules';
import { expectedAt } from '../../src/queue/wait-estimate';
import { medianBand, waitBand } from '../../src/queue/queue-tally';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 18, 10);

function queueOf(...tickets: { slotAt?: number; pc?: string }[]) {
  const q = R.emptyQueue('2026-11-18');
  for (const t of tickets) R.issue(q, { keyHash: 'k', claimHash: `c${q.next}`, issuedAt: T0, ...t });
  return q;
}

describe('queue rules', () => {
  test('when a booking comes due, then it is served before tickets taken earlier; before its time it waits', () => {
    const q = queueOf({}, {}, { slotAt: T0 + 30 * MIN });
    expect(R.waiting(q, T0).map((t) => t.number)).toEqual([1, 2]);
    expect(R.waiting(q, T0 + 30 * MIN).map((t) => t.number)).toEqual([3, 1, 2]);
  });

  test('when a PC is free, then it is held for the first ticket that may go there; a ticket for another PC waits', () => {
    const q = queueOf({ pc: 'pc-2' }, {});
    expect(R.settle(q, T0, ['pc-1'], 5 * MIN)).toEqual({ held: [{ pc: 'pc-1', number: 2 }], abandoned: 0 });
    expect(R.settle(q, T0, ['pc-2'], 5 * MIN)).toEqual({ held: [{ pc: 'pc-2', number: 1 }], abandoned: 0 });
  });

  test('when a hold runs out, then its ticket is dropped as abandoned and the PC is held for the next', () => {
    const q = queueOf({}, {});
    R.settle(q, T0, ['pc-1'], 5 * MIN);
    expect(R.settle(q, T0 + 5 * MIN, ['pc-1'], 5 * MIN)).toEqual({ held: [{ pc: 'pc-1', number: 2 }], abandoned: 1 });
  });

  test('when a booking is not held within the grace time of its slot, then it is released', () => {
    const q = queueOf({ slotAt: T0 });
    expect(R.settle(q, T0 + 5 * MIN, [], 5 * MIN)).toEqual({ held: [], abandoned: 1 });
    expect(q.tickets).toEqual([]);
  });
});

describe('wait estimate', () => {
  test('when PCs are free, then the first in line goes at once; later ones wait for the sessions ending soonest, a round at a time', () => {
    const ends = [T0 + 20 * MIN, T0 + 5 * MIN];
    expect(expectedAt(1, 1, ends, 30 * MIN, T0)).toBe(T0);
    expect(expectedAt(2, 1, ends, 30 * MIN, T0)).toBe(T0 + 5 * MIN);
    expect(expectedAt(3, 1, ends, 30 * MIN, T0)).toBe(T0 + 20 * MIN);
    expect(expectedAt(4, 1, ends, 30 * MIN, T0)).toBe(T0 + 35 * MIN);
    expect(expectedAt(1, 0, [], 30 * MIN, T0)).toBeUndefined();
  });
});

describe('wait bands', () => {
  test('when waits are counted in bands, then the median is the band holding the middle ticket', () => {
    expect([0, 4.9, 5, 14.9, 15, 29.9, 30, 90].map((m) => waitBand(m * MIN))).toEqual(['queueWaitUnder5', 'queueWaitUnder5', 'queueWait5to15', 'queueWait5to15', 'queueWait15to30', 'queueWait15to30', 'queueWait30Plus', 'queueWait30Plus']);
    expect(medianBand({ queueWaitUnder5: 2, queueWait5to15: 1, queueWait30Plus: 2 })).toEqual({ from: 5, to: 15 });
    expect(medianBand({ queueWait30Plus: 5 })).toEqual({ from: 30 });
    expect(medianBand({})).toBeUndefined();
  });
});
