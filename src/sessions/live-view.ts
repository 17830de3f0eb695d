// The in-process view of this gateway's live sessions: what probes and RFC 8908 answer from,
// so they never wait on the disk or on Redis. Raw addresses exist here, in memory only.
import type { SessionRecord } from '../store/types';
import { sealedEpoch } from '../privacy/day-keys';

/**
 * What the live view keeps of a session's record. Not its sealed address (about 125 bytes a
 * session): the store holds it, and the re-seal job and a write-back seal the address held here
 * again under the current key. Not its pseudonym (64 bytes): what needs it reads the stored
 * record, and a write-back derives it again from the address. Only the epoch the stored record
 * is sealed under, one shared string for all the sessions of an epoch.
 */
export interface LiveRecord {
  id: string;
  code: string;
  gatewayId: string;
  zoneId: string;
  day: string;
  /** The address epoch of the stored record's sealed address (what the re-seal job moves on). */
  epoch: string;
  startedAt: number;
  endsAt: number;
  lastActivityAt: number;
  via: SessionRecord['via'];
}

/**
 * The live view's copy of a stored record, every field named (one shape for all, and nothing
 * sealed kept): with `lastActivityAt`, that of the live session it replaces.
 */
export function liveRecord(r: SessionRecord, lastActivityAt = r.lastActivityAt): LiveRecord {
  return {
    id: r.id,
    code: r.code,
    gatewayId: r.gatewayId,
    zoneId: r.zoneId,
    day: r.day,
    epoch: sealedEpoch(r.day, r.sealedAddress),
    startedAt: r.startedAt,
    endsAt: r.endsAt,
    lastActivityAt,
    via: r.via,
  };
}

export interface LiveSession {
  record: LiveRecord;
  /** The address the session was granted on (sealed in the record). */
  ip: string;
  mac?: string;
  /**
   * The device's other addresses let through with it (IPv6 and privacy addresses, a new
   * lease), learned from the kernel. Memory and kernel only, never stored: after a restart they
   * are read back from the firewall or learned again.
   */
  more?: string[];
  /** Last byte count the firewall reported, to notice activity. */
  lastBytes?: number;
  /** The reconcile pass that last found this session in the store (see SessionSync). */
  seenInPass?: number;
}

/**
 * A new live session with every field present from the start, so 100,000 of them share one
 * shape and keep their fields inside the object: fields added later (the tick's byte count, the
 * reconcile pass) would give each its own property array, about 40 bytes a session.
 */
export function liveSession(record: SessionRecord, ip: string, mac: string | undefined, seenInPass?: number): LiveSession {
  return { record: liveRecord(record), ip: ownString(ip), mac: mac === undefined ? undefined : ownString(mac), more: undefined, lastBytes: undefined, seenInPass };
}

/**
 * A flat copy of an address of its own, to keep for hours. A string cut out of a longer text
 * (a MAC split from a line of the neighbour table) keeps that whole text alive, and one built by
 * concatenation is two strings where one would do (32 bytes more for a MAC).
 */
export function ownString(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

/** Every address a session holds: the one it was granted on, then those learned since. */
export function addressesOf(s: Pick<LiveSession, 'ip' | 'more'>): string[] {
  return s.more?.length ? [s.ip, ...s.more] : [s.ip];
}

export class LiveView {
  private readonly byIp = new Map<string, LiveSession>();
  private readonly byId = new Map<string, LiveSession>();
  /** Sessions by device MAC: one device, one session, whatever its addresses. */
  private readonly byMac = new Map<string, LiveSession>();
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

  /** The live session of a device, if it has one that has not ended at `now`. */
  forMac(mac: string, now: number): LiveSession | undefined {
    const s = this.byMac.get(mac);
    return s && s.record.endsAt > now ? s : undefined;
  }

  /** The session held to a MAC, ended or not (until it is deleted). */
  macHolder(mac: string): LiveSession | undefined {
    return this.byMac.get(mac);
  }

  /** True when some session is held to a MAC (so there are device addresses to learn). */
  get hasDevices(): boolean {
    return this.byMac.size > 0;
  }

  /** Lets a session hold another address of its device; false when the address is held already. */
  attach(s: LiveSession, ip: string): boolean {
    if (this.byIp.has(ip) || this.byId.get(s.record.id) !== s) return false;
    const own = ownString(ip);
    s.more = [...(s.more ?? []), own];
    this.byIp.set(own, s);
    return true;
  }

  byIdOf(id: string): LiveSession | undefined {
    return this.byId.get(id);
  }

  /**
   * One copy of each value that many sessions repeat (their day, gateway, zone, how they began, their address epoch):
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
    r.epoch = this.shared(r.epoch);
    r.via = this.shared(r.via) as typeof r.via;
    const old = this.byId.get(s.record.id);
    if (old) {
      // The same session taken in again (a record changed elsewhere): its learned addresses stay.
      if (old.more && !s.more && old.mac === s.mac) s.more = old.more;
      this.unindex(old);
      this.bump(old.record.zoneId, -1);
    }
    this.bump(s.record.zoneId, 1);
    for (const ip of addressesOf(s)) this.byIp.set(ip, s);
    if (s.mac) this.byMac.set(s.mac, s);
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
    this.unindex(s);
    return s;
  }

  private unindex(s: LiveSession): void {
    for (const ip of addressesOf(s)) if (this.byIp.get(ip) === s) this.byIp.delete(ip);
    if (s.mac && this.byMac.get(s.mac) === s) this.byMac.delete(s.mac);
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
