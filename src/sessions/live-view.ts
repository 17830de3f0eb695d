// The in-process view of this gateway's live sessions: what probes and RFC 8908 answer from,
// so they never wait on the disk or on Redis. Raw addresses exist here, in memory only.
import type { SessionRecord } from '../store/types';

export interface LiveSession {
  record: SessionRecord;
  ip: string;
  mac?: string;
  /** Last byte count the firewall reported, to notice activity. */
  lastBytes?: number;
  /** The reconcile pass that last found this session in the store (see SessionSync). */
  seenInPass?: number;
}

export class LiveView {
  private readonly byIp = new Map<string, LiveSession>();
  private readonly byId = new Map<string, LiveSession>();
  /** Sessions held per zone (ended ones included until swept), so a grant need not scan. */
  private readonly perZone = new Map<string, number>();
  /**
   * Ids of sessions that ended here, each until its record is gone from the store: a read of
   * the store taken before the end (a reconcile) cannot bring the session back.
   */
  private readonly ended = new Map<string, number>();

  /** The live session of a client address, if it has one that has not ended at `now`. */
  forIp(ip: string, now: number): LiveSession | undefined {
    const s = this.byIp.get(ip);
    return s && s.record.endsAt > now ? s : undefined;
  }

  /** The session holding an address, ended or not (until it is deleted). */
  holder(ip: string): LiveSession | undefined {
    return this.byIp.get(ip);
  }

  byIdOf(id: string): LiveSession | undefined {
    return this.byId.get(id);
  }

  /**
   * One copy of each value that many sessions repeat (their day, gateway, zone, how they began):
   * a record read from the store brings its own copy of each, about 130 bytes a session.
   */
  private readonly repeated = new Map<string, string>();

  private shared(value: string): string {
    const known = this.repeated.get(value);
    if (known !== undefined) return known;
    // A new day each day: the table is started afresh now and then, never grows without bound.
    if (this.repeated.size >= 256) this.repeated.clear();
    this.repeated.set(value, value);
    return value;
  }

  /** Adds or replaces a session; a session that ended here is never added again (returns false). */
  set(s: LiveSession): boolean {
    if (this.ended.has(s.record.id)) return false;
    const r = s.record;
    // The same values, one copy each (the record is this view's from here on).
    r.day = this.shared(r.day);
    r.gatewayId = this.shared(r.gatewayId);
    r.zoneId = this.shared(r.zoneId);
    r.via = this.shared(r.via) as typeof r.via;
    const old = this.byId.get(s.record.id);
    if (old && old.ip !== s.ip) this.byIp.delete(old.ip);
    if (old) this.bump(old.record.zoneId, -1);
    this.bump(s.record.zoneId, 1);
    this.byIp.set(s.ip, s);
    this.byId.set(s.record.id, s);
    return true;
  }

  /** Removes a session for good: it cannot be set again before `until` (epoch ms). */
  end(id: string, until: number): LiveSession | undefined {
    this.ended.set(id, until);
    return this.delete(id);
  }

  wasEnded(id: string): boolean {
    return this.ended.has(id);
  }

  /** Forgets ended sessions whose records the store no longer returns at `now`. */
  pruneEnded(now: number): void {
    for (const [id, until] of this.ended) if (until <= now) this.ended.delete(id);
  }

  delete(id: string): LiveSession | undefined {
    const s = this.byId.get(id);
    if (!s) return undefined;
    this.byId.delete(id);
    this.bump(s.record.zoneId, -1);
    if (this.byIp.get(s.ip) === s) this.byIp.delete(s.ip);
    return s;
  }

  all(): LiveSession[] {
    return [...this.byId.values()];
  }

  /** The sessions as a live iterator, for walking them in chunks without copying 100,000 of them. */
  values(): IterableIterator<LiveSession> {
    return this.byId.values();
  }

  /** Sessions held in a zone, in constant time (may include some that ended since the last sweep). */
  heldInZone(zoneId: string): number {
    return this.perZone.get(zoneId) ?? 0;
  }

  private bump(zoneId: string, by: number): void {
    this.perZone.set(zoneId, (this.perZone.get(zoneId) ?? 0) + by);
  }

  countInZone(zoneId: string, now: number): number {
    let n = 0;
    for (const s of this.byId.values()) if (s.record.zoneId === zoneId && s.record.endsAt > now) n++;
    return n;
  }

  get size(): number {
    return this.byId.size;
  }
}
