// The agent's view of a kiosk session: warnings at the zone's warning time and one minute before
// the end, and the end (by time, logout or staff) noticed exactly once.
import { KioskWatcher, LOCAL_END_GRACE_MS } from '../../src/agent/kiosk-watcher';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 18, 10);
const live = (startedAt: number, secondsLeft: number, warningMinutes = 5) => ({ live: true as const, startedAt, secondsLeft, warningMinutes });

describe('KioskWatcher', () => {
  it('when a session runs down, then the patron is warned at the warning time and at one minute, once each', () => {
    const w = new KioskWatcher();
    expect(w.update(live(T0, 30 * 60), T0)).toEqual([]);
    expect(w.live).toBe(true);
    expect(w.tick(T0 + 24 * MIN)).toEqual([]);
    expect(w.tick(T0 + 25 * MIN)).toEqual([{ type: 'warning', minutesLeft: 5 }]);
    expect(w.tick(T0 + 25 * MIN + 5000)).toEqual([]);
    expect(w.update(live(T0, 3 * 60), T0 + 27 * MIN)).toEqual([]);
    expect(w.tick(T0 + 29 * MIN + 2000)).toEqual([{ type: 'warning', minutesLeft: 1 }]);
    expect(w.tick(T0 + 29 * MIN + 30_000)).toEqual([]);
  });

  it('when a session starts with less than the warning time left, then one warning comes at once, not two', () => {
    const w = new KioskWatcher();
    expect(w.update(live(T0, 50), T0)).toEqual([{ type: 'warning', minutesLeft: 1 }]);
    expect(w.tick(T0 + 10_000)).toEqual([]);
  });

  it('when the session is extended after a warning, then the warning comes again before the new end', () => {
    const w = new KioskWatcher();
    w.update(live(T0, 4 * 60), T0);
    expect(w.update(live(T0, 30 * 60), T0 + MIN)).toEqual([]);
    expect(w.tick(T0 + MIN + 25 * MIN)).toEqual([{ type: 'warning', minutesLeft: 5 }]);
  });

  it.each([
    ['staff', { live: false as const, ended: { reason: 'staff' as const } }, 'staff'],
    ['logout', { live: false as const, ended: { reason: 'logout' as const } }, 'logout'],
    ['no reason, early', { live: false as const }, 'ended'],
  ])('when the server says the session ended (%s), then the end comes once with that reason', (_what, state, reason) => {
    const w = new KioskWatcher();
    w.update(live(T0, 30 * 60), T0);
    expect(w.update(state, T0 + MIN)).toEqual([{ type: 'end', reason }]);
    expect(w.update(state, T0 + 2 * MIN)).toEqual([]);
    expect(w.live).toBe(false);
  });

  it('when the session is gone at its end time without a reason, then it ended by time', () => {
    const w = new KioskWatcher();
    w.update(live(T0, 60), T0);
    expect(w.update({ live: false }, T0 + 61_000)).toEqual([{ type: 'end', reason: 'time' }]);
  });

  it('when the server cannot be reached, then the session still ends by this machine\'s clock, after a grace', () => {
    const w = new KioskWatcher();
    w.update(live(T0, 60, 0), T0);
    expect(w.tick(T0 + 60_000)).toEqual([]);
    expect(w.tick(T0 + 60_000 + LOCAL_END_GRACE_MS)).toEqual([{ type: 'end', reason: 'time' }]);
    expect(w.tick(T0 + 2 * MIN)).toEqual([]);
  });

  it('when one session ends and the next begins between two polls, then the first still gets its end', () => {
    const w = new KioskWatcher();
    w.update(live(T0, 30 * 60, 0), T0);
    expect(w.update(live(T0 + 10 * MIN, 30 * 60, 0), T0 + 10 * MIN)).toEqual([{ type: 'end', reason: 'ended' }]);
    expect(w.live).toBe(true);
  });

  it('when staff end the session here, then the watcher forgets it and a later "not live" brings no second end', () => {
    const w = new KioskWatcher();
    w.update(live(T0, 30 * 60), T0);
    expect(w.endNow()).toBe(true);
    expect(w.update({ live: false, ended: { reason: 'staff' } }, T0 + 1000)).toEqual([]);
    expect(w.endNow()).toBe(false);
  });
});
