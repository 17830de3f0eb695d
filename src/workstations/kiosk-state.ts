// Kiosk sessions as the agent sees them: the session of the machine asking, matched by the
// request's source address at request time (the address is never stored), and why the last
// one ended. What it remembers between polls lives in memory only and never leaves the server.
import type { Clock } from '../domain/clock';
import type { EndReason, SessionService } from '../sessions/session-service';
import type { Store } from '../store/types';
import type { EndedReason, SessionState } from './protocol';

export interface KioskStateDeps {
  sessions: SessionService;
  store: Store;
  clock: Clock;
  /** How long the hourly `kioskUses` counter is kept. */
  statsRetentionDays: number;
}

/** The session last reported live to a workstation. */
interface Watched {
  sessionId: string;
  endsAt: number;
  /** Set when the session service ends it, so the kiosk can be told why. */
  reason?: EndedReason;
}

const REASON: Record<EndReason, EndedReason> = { expired: 'time', logout: 'logout', staff: 'staff', idle: 'idle', data: 'data' };
const HOUR = 3_600_000;

export class KioskState {
  /** By workstation name; at most one entry per workstation. */
  private readonly watched = new Map<string, Watched>();
  /** Session id → workstation name, for the end listener. */
  private readonly bySession = new Map<string, string>();
  /** Workstations last seen from an address in another zone than the one they are enrolled in. */
  private readonly misplaced = new Map<string, { enrolledZoneId: string; addressZoneId: string }>();

  constructor(private readonly d: KioskStateDeps) {
    d.sessions.onEnd((record, reason) => {
      const name = this.bySession.get(record.id);
      const w = name === undefined ? undefined : this.watched.get(name);
      if (w?.sessionId === record.id) w.reason = REASON[reason];
    });
  }

  /** The state of the kiosk session of workstation `name`, whose request came from `ip`. */
  async state(name: string, ip: string): Promise<SessionState> {
    const live = this.d.sessions.lookup(ip);
    const prev = this.watched.get(name);
    if (live) {
      const r = live.record;
      if (prev?.sessionId === r.id) prev.endsAt = r.endsAt;
      else {
        this.forget(name);
        this.watched.set(name, { sessionId: r.id, endsAt: r.endsAt });
        this.bySession.set(r.id, name);
        await this.countUse(r.zoneId);
      }
      const warningMinutes = this.d.sessions.policies.peek(r.zoneId)?.warningMinutes ?? 0;
      return { live: true, startedAt: r.startedAt, secondsLeft: this.d.sessions.secondsLeft(live), warningMinutes };
    }
    if (!prev) return { live: false };
    this.forget(name);
    return { live: false, ended: { reason: prev.reason ?? (this.d.clock.now() >= prev.endsAt ? 'time' : 'ended') } };
  }

  /** Ends the kiosk session of the machine at `ip`, as staff: the "end session" command. */
  async endFor(ip: string): Promise<boolean> {
    const live = this.d.sessions.lookup(ip);
    return live ? this.d.sessions.end(live.record.id, 'staff') : false;
  }

  /**
   * Notes the zone of the address a workstation asks from. A kiosk-zone PC on a Wi-Fi address
   * has its sessions (and kiosk uses) counted under the Wi-Fi zone; staff are warned.
   */
  noteAddress(ws: { name: string; zoneId: string }, ip: string): void {
    const addressZoneId = this.d.sessions.zones.zoneFor(ip)?.id;
    if (addressZoneId && addressZoneId !== ws.zoneId) this.misplaced.set(ws.name, { enrolledZoneId: ws.zoneId, addressZoneId });
    else this.misplaced.delete(ws.name);
  }

  /** The workstations last seen from an address outside their zone (on this gateway), by name. */
  misplacedWorkstations(): { name: string; enrolledZoneId: string; addressZoneId: string }[] {
    return [...this.misplaced].map(([name, m]) => ({ name, ...m })).sort((a, b) => a.name.localeCompare(b.name));
  }

  /** The kiosk session running on a workstation now (as last seen by its agent, on this gateway). */
  liveSessionOf(name: string): { id: string; code: string; secondsLeft: number } | undefined {
    const w = this.watched.get(name);
    const live = w && this.d.sessions.live.byIdOf(w.sessionId);
    return live ? { id: live.record.id, code: live.record.code, secondsLeft: this.d.sessions.secondsLeft(live) } : undefined;
  }

  /** Drops what is remembered about a workstation (it was retired). */
  forget(name: string): void {
    this.misplaced.delete(name);
    const w = this.watched.get(name);
    if (w) this.bySession.delete(w.sessionId);
    this.watched.delete(name);
  }

  /** One more kiosk use in the zone's hourly counters (aggregate only). */
  private async countUse(zoneId: string): Promise<void> {
    const now = this.d.clock.now();
    const hour = Math.floor(now / HOUR) * HOUR;
    await this.d.store.bumpStats(zoneId, hour, { kioskUses: 1 }, now + this.d.statsRetentionDays * 86_400_000);
  }
}
