// The kiosk session as the agent follows it: when to warn the patron, and when the session has
// ended (by time, logout or staff) so the end hook must run. Pure: time comes in as `now`.
import type { EndedReason, SessionState } from '../workstations/protocol';

export type KioskEvent = { type: 'warning'; minutesLeft: number } | { type: 'end'; reason: EndedReason };

/** Past its end by this much without the server saying so, a session is ended here (server unreachable). */
export const LOCAL_END_GRACE_MS = 10_000;
/** A warning already given is given again only if the session is extended by more than this. */
const REARM_MS = 30_000;

interface Followed {
  startedAt: number;
  /** By this machine's clock: now + secondsLeft at the last poll (so clock skew does not matter). */
  endsAt: number;
  warningMinutes: number;
  /** Warning thresholds (minutes) already given. */
  given: Set<number>;
}

export class KioskWatcher {
  private current: Followed | undefined;

  /** Whether a session is live as far as the agent knows. */
  get live(): boolean {
    return this.current !== undefined;
  }

  /** Applies the server's answer to a session poll; returns what the hooks must do, in order. */
  update(state: SessionState, now: number): KioskEvent[] {
    const events: KioskEvent[] = [];
    if (!state.live) {
      if (this.current) {
        const byTime = now >= this.current.endsAt - LOCAL_END_GRACE_MS;
        events.push({ type: 'end', reason: state.ended?.reason ?? (byTime ? 'time' : 'ended') });
        this.current = undefined;
      }
      return events;
    }
    if (this.current && this.current.startedAt !== state.startedAt) {
      // One session ended and the next began between two polls: the first still gets its end.
      events.push({ type: 'end', reason: 'ended' });
      this.current = undefined;
    }
    this.current ??= { startedAt: state.startedAt, endsAt: 0, warningMinutes: 0, given: new Set() };
    this.current.endsAt = now + state.secondsLeft * 1000;
    this.current.warningMinutes = state.warningMinutes;
    return [...events, ...this.tick(now)];
  }

  /**
   * Between polls, or while the server cannot be reached: warnings fall due by this machine's
   * clock, and a session well past its end is ended here.
   */
  tick(now: number): KioskEvent[] {
    const c = this.current;
    if (!c) return [];
    const leftMs = c.endsAt - now;
    if (leftMs <= -LOCAL_END_GRACE_MS) {
      this.current = undefined;
      return [{ type: 'end', reason: 'time' }];
    }
    const thresholds = [...new Set([c.warningMinutes, 1])].filter((m) => m > 0);
    for (const m of thresholds) if (leftMs > m * 60_000 + REARM_MS) c.given.delete(m);
    const due = thresholds.filter((m) => !c.given.has(m) && leftMs > 0 && leftMs <= m * 60_000);
    if (due.length === 0) return [];
    // Several due at once (a session that starts short) give one warning, not a burst.
    due.forEach((m) => c.given.add(m));
    return [{ type: 'warning', minutesLeft: Math.max(1, Math.ceil(leftMs / 60_000)) }];
  }

  /** The session ends here and now (staff's "end session"); true if one was live. */
  endNow(): boolean {
    const was = this.current !== undefined;
    this.current = undefined;
    return was;
  }
}
