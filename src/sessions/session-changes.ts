// Changes to running sessions: moving a session's end and ending it. Each is one compare-and-set
// in the store, decided again from a fresh read when another change won (a second request, the
// sweep, staff, another gateway); the live view and the firewall follow only what the store's
// atomic step decided, so a session that ended is never let through again.
import { SESSION_GRACE_MS, type SessionRecord, type UsageChange } from '../store/types';
import { liveRecord, type LiveView } from './live-view';
import type { EndReason, SessionServiceDeps } from './session-types';
import type { SessionEventTally } from './session-log';
import type { SessionStats } from './session-stats';
import { firewallClients, revokedClients } from './session-sync';

/** Compare-and-set rounds before giving up; each lost round means another change won. */
const MAX_ROUNDS = 20;
/** How long past its record's expiry this gateway remembers that a session ended. */
const ENDED_MARGIN_MS = 10 * 60_000;

/** What a plan decides from the stored record: the new end (epoch ms), or why not. */
export type EndPlan<R extends string> = (record: SessionRecord, now: number) => Promise<number | { refuse: R }>;

export type MoveResult<R extends string> =
  | { ok: true; record: SessionRecord; addedSeconds: number; ended: boolean }
  | { ok: false; reason: R | 'no-session' };

export interface SessionChangesDeps extends Pick<SessionServiceDeps, 'store' | 'firewall' | 'keys' | 'clock' | 'logger'> {
  live: LiveView;
  stats: SessionStats;
  /** Counts ends for the periodic log summary (no log line per session). */
  tally: SessionEventTally;
  /** When a day's usage record expires. */
  usageExpiry(day: string): number;
  /** Told of every session ended here, after the store and the firewall. */
  onEnd(record: SessionRecord, reason: EndReason): void;
}

export class SessionChanges {
  constructor(private readonly d: SessionChangesDeps) {}

  /**
   * Moves a session's end to what `plan` decides from the stored record (an end at or before now
   * ends it). The device is charged the time added (or refunded the whole seconds taken away) in
   * the same store step as the change: only when the change lands, so usage never shows less than
   * was granted, and a store that fails meanwhile does both or neither.
   */
  async move<R extends string>(id: string, plan: EndPlan<R>): Promise<MoveResult<R>> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const r = await this.d.store.getSession(id);
      const now = this.d.clock.now();
      if (!r) return this.forget(id).then(() => ({ ok: false, reason: 'no-session' }));
      if (r.endsAt <= now) return { ok: false, reason: 'no-session' };
      const target = await plan(r, now);
      if (typeof target !== 'number') return { ok: false, reason: target.refuse };
      if (target <= this.d.clock.now()) {
        const unused = await this.take(r, 'staff');
        if (unused === undefined) continue;
        return { ok: true, record: { ...r, endsAt: this.d.clock.now() }, addedSeconds: -unused, ended: true };
      }
      const delta = (target - r.endsAt) / 1000;
      const changed = await this.d.store.setSessionEnd(id, r.endsAt, target, this.usageChange(r, delta > 0 ? delta : -Math.floor(-delta)));
      if (!changed) continue;
      await this.follow(r, changed);
      return { ok: true, record: changed, addedSeconds: Math.trunc(delta), ended: false };
    }
    throw new Error('the session kept changing while it was being changed; try again');
  }

  /**
   * Ends a session: deletes it in the store by compare-and-set, then revokes it here and refunds
   * its unused time (not on expiry). Resolves false when it had ended already, or, for `expired`,
   * when it was extended meanwhile (the live view then takes the new end).
   */
  async end(id: string, reason: EndReason): Promise<boolean> {
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const r = await this.d.store.getSession(id);
      if (!r) return this.forget(id).then(() => false);
      if (reason === 'expired' && r.endsAt > this.d.clock.now()) {
        const s = this.d.live.byIdOf(id);
        if (s && s.record.endsAt !== r.endsAt) await this.follow(s.record, r);
        return false;
      }
      if ((await this.take(r, reason)) !== undefined) return true;
    }
    throw new Error('the session kept changing while it was being ended; try again');
  }

  /**
   * Takes a session out of the store if it still ends at `r.endsAt`, refunding its unused time
   * (not on expiry) in the same store step; resolves the seconds refunded, or undefined if it lost.
   */
  private async take(r: SessionRecord, reason: EndReason): Promise<number | undefined> {
    const unused = reason === 'expired' ? 0 : Math.max(0, Math.floor((r.endsAt - this.d.clock.now()) / 1000));
    const taken = await this.d.store.takeSession(r.id, r.endsAt, this.usageChange(r, -unused));
    if (!taken) return undefined;
    const now = this.d.clock.now();
    await this.drop(taken);
    await this.d.stats.bump(taken.zoneId, { minutesUsed: Math.round((Math.min(now, taken.endsAt) - taken.startedAt) / 60_000), sessionsEnded: 1 });
    this.d.tally.count('ended');
    this.d.onEnd(taken, reason);
    return unused;
  }

  /**
   * The change to the device's usage for `seconds` (negative: a refund), made with the session's
   * change; none when the day's key, and so its usage, is gone.
   */
  private usageChange(r: SessionRecord, seconds: number): UsageChange | undefined {
    if (seconds === 0 || !this.d.keys.get(r.day)) return undefined;
    return { day: r.day, pseudonym: r.pseudonym, deltaSeconds: seconds, expiresAt: this.d.usageExpiry(r.day) };
  }

  /**
   * Applies a change the store made to the live view and the firewall, at once (no await in
   * between, so the firewall gets changes in the order the view took them). A change that does
   * not follow what the view holds (the session ended here, or a later change came first) is
   * left to the next reconcile.
   */
  private follow(before: Pick<SessionRecord, 'endsAt'>, after: SessionRecord): Promise<void> {
    const s = this.d.live.byIdOf(after.id);
    if (!s || s.record.endsAt !== before.endsAt) return Promise.resolve();
    s.record = liveRecord(after, s.record.lastActivityAt);
    return this.d.firewall.allow(firewallClients(s, this.d.clock.now()));
  }

  /** Ends a session in the live view for good and revokes its addresses, all together, except those a newer session holds. */
  private drop(record: Pick<SessionRecord, 'id' | 'endsAt'>): Promise<void> {
    const s = this.d.live.end(record.id, record.endsAt + SESSION_GRACE_MS + ENDED_MARGIN_MS);
    const gone = s ? revokedClients(s, this.d.live) : [];
    return gone.length ? this.d.firewall.revoke(gone) : Promise.resolve();
  }

  /** The store no longer has the session (ended elsewhere, or expired): drop it here too. */
  private forget(id: string): Promise<void> {
    const s = this.d.live.byIdOf(id);
    return s ? this.drop(s.record) : Promise.resolve();
  }
}
