// Wall times on the days the clocks change, in Europe and where midnight itself is skipped:
// a time in a spring-forward gap moves forward, a time in a fall-back overlap is the earlier
// moment, and the next midnight is never before now.
import { localTime, nextMidnight, zonedTime } from '../../src/domain/local-time';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe('local wall times on a DST change day', () => {
  it.each([
    // [zone, date, minutes, expected UTC]
    ['Europe/Paris', '2026-03-29', 0, '2026-03-28T23:00:00.000Z'],
    ['Europe/Paris', '2026-03-29', 150, '2026-03-29T01:30:00.000Z'], // 02:30 does not exist: 03:30
    ['Europe/Paris', '2026-03-29', 180, '2026-03-29T01:00:00.000Z'],
    ['Europe/Paris', '2026-03-29', 1440, '2026-03-29T22:00:00.000Z'],
    ['Europe/Paris', '2026-10-25', 150, '2026-10-25T00:30:00.000Z'], // 02:30 twice: the first
    ['Europe/Paris', '2026-10-25', 1440, '2026-10-25T23:00:00.000Z'],
    ['Europe/London', '2026-03-29', 60, '2026-03-29T01:00:00.000Z'], // 01:00 does not exist: 02:00 BST
    ['Europe/Chisinau', '2026-03-29', 0, '2026-03-28T22:00:00.000Z'], // changes at 00:00 UTC
    ['America/Santiago', '2026-09-06', 0, '2026-09-06T04:00:00.000Z'], // midnight skipped: 01:00
  ])('when %s on %s at minute %i is asked for, then it is %s', (tz, date, minutes, expected) => {
    expect(iso(zonedTime(date, minutes, tz))).toBe(expected);
  });

  it.each([
    ['Europe/Chisinau', '2026-03-28T21:30:00Z', '2026-03-28T22:00:00.000Z'],
    ['Europe/Paris', '2026-03-28T22:59:59Z', '2026-03-28T23:00:00.000Z'],
    ['Europe/Paris', '2026-10-24T22:00:00Z', '2026-10-25T23:00:00.000Z'],
    ['America/Santiago', '2026-09-06T03:30:00Z', '2026-09-06T04:00:00.000Z'],
  ])('when it is %s %s, then the next midnight is %s, after now and at 00:00 (or the first minute after)', (tz, now, expected) => {
    const next = nextMidnight(at(now), tz);
    expect(iso(next)).toBe(expected);
    expect(next).toBeGreaterThan(at(now));
    expect(localTime(next, tz).date).not.toBe(localTime(at(now), tz).date);
  });
});
