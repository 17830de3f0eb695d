// UsageView: this gateway's view of devices' usage per day, bounded, forgotten a day at a time.
import { UsageView } from '../../src/sessions/write-through';

describe('UsageView', () => {
  test('when a device is remembered, then its last total is known for that day only', () => {
    const v = new UsageView(10);
    v.remember('2026-11-18', 'p1', 60);
    v.remember('2026-11-18', 'p1', 120);
    expect(v.known('2026-11-18', 'p1')).toBe(120);
    expect(v.known('2026-11-19', 'p1')).toBe(0);
    expect(v.known('2026-11-18', 'p2')).toBe(0);
  });

  test('when more devices are remembered than it holds, then the least recently remembered are forgotten first', () => {
    const v = new UsageView(3);
    v.remember('2026-11-17', 'old', 1);
    v.remember('2026-11-18', 'a', 2);
    v.remember('2026-11-18', 'b', 3);
    v.remember('2026-11-18', 'a', 4);
    v.remember('2026-11-18', 'c', 5);
    expect(v.known('2026-11-17', 'old')).toBe(0);
    v.remember('2026-11-18', 'd', 6);
    expect(v.known('2026-11-18', 'b')).toBe(0);
    expect([v.known('2026-11-18', 'a'), v.known('2026-11-18', 'c'), v.known('2026-11-18', 'd')]).toEqual([4, 5, 6]);
  });

  test('when a day is forgotten, then none of its devices is known and the room is free again', () => {
    const v = new UsageView(2);
    v.remember('2026-11-18', 'a', 1);
    v.remember('2026-11-18', 'b', 2);
    v.forgetDay('2026-11-18');
    expect(v.known('2026-11-18', 'a')).toBe(0);
    v.remember('2026-11-19', 'c', 3);
    v.remember('2026-11-19', 'd', 4);
    expect([v.known('2026-11-19', 'c'), v.known('2026-11-19', 'd')]).toEqual([3, 4]);
  });
});
