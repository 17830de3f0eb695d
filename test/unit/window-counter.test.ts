// The agent API's fixed-window counters (token failures per address, requests per workstation).
import { WindowCounter } from '../../src/agent-api/rate-limits';
import { ManualClock } from '../../src/domain/clock';

describe('WindowCounter', () => {
  it('when an address fails as often as the limit, then it waits until its window ends, and then may try again', () => {
    const clock = new ManualClock(0);
    const c = new WindowCounter(3, 60_000, clock);
    c.add('a');
    c.add('a');
    expect(c.retryAfter('a')).toBe(0);
    c.add('a');
    expect(c.retryAfter('a')).toBe(60);
    expect(c.retryAfter('b')).toBe(0);
    clock.advance(45_000);
    expect(c.retryAfter('a')).toBe(15);
    clock.advance(15_000);
    expect(c.retryAfter('a')).toBe(0);
    c.add('a');
    expect(c.retryAfter('a')).toBe(0);
  });

  it('when more addresses fail than it keeps, then it forgets the oldest and never grows past its bound', () => {
    const c = new WindowCounter(1, 60_000, new ManualClock(0), 100);
    for (let i = 0; i < 1000; i++) c.add(`k${i}`);
    expect((c as unknown as { windows: Map<string, unknown> }).windows.size).toBe(100);
    expect(c.retryAfter('k999')).toBe(60);
    expect(c.retryAfter('k0')).toBe(0);
  });
});
