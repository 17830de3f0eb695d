// Patron sessions: grant, extend, end and expire, keeping the store, the firewall and the
// in-process live view in step. Every rule about time comes from src/domain.
import crypto from 'node:crypto';
import type { Config, Policy, Zone } from '../config/schema';
import type { Clock } from '../domain/clock';
import { addDays, nextMidnight, zonedTime } from '../domain/local-time';
import { openStatus, type OpenStatus } from '../domain/opening-hours';
import { allowanceLeft, isIdle, planExtend, planGrant, shortenedEnd, type Refusal } from '../domain/quota';
import { ZoneResolver } from '../domain/zones';
import type { Firewall } from '../firewall/types';
import type { Logger } from '../logger';
import type { DayKeyring } from '../privacy/day-keys';
import { readableCode, type RandomSource } from '../privacy/random';
import type { SessionRecord, StatCounter, Store } from '../store/types';
import { LiveView, type LiveSession } from './live-view';
import { PolicyBook } from './policies';

export interface ClientAddress {
  ip: string;
  mac?: string;
}

export type EndReason = 'logout' | 'expired' | 'staff' | 'idle' | 'data';

export type GrantResult =
  | { ok: true; session: LiveSession }
  | { ok: false; reason: Refusal | 'no-zone'; zone?: Zone; open?: OpenStatus; policy?: Policy };

export type ExtendResult =
  | { ok: true; session: LiveSession; addedSeconds: number }
  | { ok: false; reason: Refusal | 'not-allowed' | 'already-full' | 'no-session' };

export interface SessionServiceDeps {
  config: Config;
  store: Store;
  firewall: Firewall;
  keys: DayKeyring;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
}

const HOUR = 3_600_000;

export class SessionService {
  readonly live = new LiveView();
  readonly zones: ZoneResolver;
  readonly policies: PolicyBook;
  /** Grants in flight per address, so a double tap on the button starts one session. */
  private readonly pending = new Map<string, Promise<GrantResult>>();

  constructor(private readonly d: SessionServiceDeps) {
    this.zones = new ZoneResolver(d.config.zones);
    this.policies = new PolicyBook(d.config, d.store, () => d.clock.now());
  }

  private get now(): number {
    return this.d.clock.now();
  }

  // ---- Public workstations (issue 5): who is told that a session ended, and why ----
  private readonly endListeners: ((record: SessionRecord, reason: EndReason) => void)[] = [];

  /** Calls `listener` after each session this service ends (the agent API tells kiosks why). */
  onEnd(listener: (record: SessionRecord, reason: EndReason) => void): void {
    this.endListeners.push(listener);
  }

  /** The live session of a client, from memory. */
  lookup(ip: string): LiveSession | undefined {
    return this.live.forIp(ip, this.now);
  }

  /** Zone, policy and opening status for a client that has no session yet (the splash page). */
  async describe(client: ClientAddress): Promise<{ zone: Zone; policy: Policy; open: OpenStatus; usedSeconds: number; leftSeconds: number } | undefined> {
    const zone = this.zones.zoneFor(client.ip);
    if (!zone) return undefined;
    const policy = await this.policies.get(zone.id);
    const open = openStatus(policy, this.now, this.d.config.timezone);
    const day = this.d.keys.today();
    const usedSeconds = await this.d.store.getUsage(day, this.d.keys.pseudonym(day, client.mac ?? client.ip));
    return { zone, policy, open, usedSeconds, leftSeconds: allowanceLeft(policy, usedSeconds) };
  }

  /** Starts a session for a client, or says why not. A client with a live session gets it back. */
  async grant(client: ClientAddress, via: SessionRecord['via'] = 'click-through', maxSeconds?: number): Promise<GrantResult> {
    const existing = this.lookup(client.ip);
    if (existing) return { ok: true, session: existing };
    const inFlight = this.pending.get(client.ip);
    if (inFlight) return inFlight;
    const zone = this.zones.zoneFor(client.ip);
    if (!zone) return { ok: false, reason: 'no-zone' };
    const work = this.startSession(client, zone, via, maxSeconds);
    this.pending.set(client.ip, work);
    try {
      return await work;
    } finally {
      this.pending.delete(client.ip);
    }
  }

  private async startSession(client: ClientAddress, zone: Zone, via: SessionRecord['via'], maxSeconds?: number): Promise<GrantResult> {
    {
      const now = this.now;
      const policy = await this.policies.get(zone.id);
      const open = openStatus(policy, now, this.d.config.timezone);
      const day = this.d.keys.today();
      const pseudonym = this.d.keys.pseudonym(day, client.mac ?? client.ip);
      const usedSeconds = await this.d.store.getUsage(day, pseudonym);
      const plan = planGrant({ policy: capped(policy, maxSeconds), now, usedSeconds, open });
      if (!plan.ok) {
        await this.stat(zone.id, plan.reason === 'closed' ? 'refusedClosed' : 'refusedAllowance');
        return { ok: false, reason: plan.reason, zone, open, policy };
      }
      await this.d.store.addUsage(day, pseudonym, plan.seconds, this.usageExpiry(day));
      const record: SessionRecord = {
        id: crypto.randomUUID().replace(/-/g, ''),
        code: await this.uniqueCode(),
        gatewayId: this.d.config.gatewayId,
        zoneId: zone.id,
        day,
        pseudonym,
        sealedAddress: this.d.keys.seal(day, { ip: client.ip, mac: client.mac }),
        startedAt: now,
        endsAt: plan.endsAt,
        lastActivityAt: now,
        via,
      };
      await this.d.store.putSession(record);
      const session: LiveSession = { record, ip: client.ip, ...(client.mac ? { mac: client.mac } : {}) };
      this.live.set(session);
      // The counters are independent writes: send them together.
      await Promise.all([
        this.d.firewall.allow([{ ip: client.ip, mac: client.mac, zoneId: zone.id, timeoutSeconds: plan.seconds }]),
        this.d.store.bumpStats(zone.id, hourOf(now), { sessionsStarted: 1, ...(via === 'pass' ? { passesRedeemed: 1 } : {}) }, this.statsExpiry(now)),
        this.d.store.raisePeak(zone.id, hourOf(now), this.live.heldInZone(zone.id), this.statsExpiry(now)),
      ]);
      this.d.logger.info({ event: 'session.start', zone: zone.id, seconds: plan.seconds, via }, 'session started');
      return { ok: true, session };
    }
  }

  /** Tops a client's session up to a full session length, as its allowance and the hours allow. */
  async extend(ip: string): Promise<ExtendResult> {
    const session = this.lookup(ip);
    if (!session) return { ok: false, reason: 'no-session' };
    return this.extendSession(session);
  }

  async extendSession(session: LiveSession, opts: { bySeconds?: number } = {}): Promise<ExtendResult> {
    const now = this.now;
    const r = session.record;
    const policy = await this.policies.get(r.zoneId);
    const open = openStatus(policy, now, this.d.config.timezone);
    const usedSeconds = await this.d.store.getUsage(r.day, r.pseudonym);
    let endsAt: number;
    let added: number;
    if (opts.bySeconds !== undefined) {
      // Staff extensions add the time asked for, still never past closing time.
      endsAt = r.endsAt + opts.bySeconds * 1000;
      if (open.closesAt !== undefined) endsAt = Math.min(endsAt, open.closesAt);
      added = Math.floor((endsAt - r.endsAt) / 1000);
      if (added <= 0) return { ok: false, reason: 'closed' };
    } else {
      const plan = planExtend({ policy, now, usedSeconds, open, endsAt: r.endsAt });
      if (!plan.ok) return { ok: false, reason: plan.reason };
      endsAt = plan.endsAt;
      added = plan.addedSeconds;
    }
    await this.d.store.addUsage(r.day, r.pseudonym, added, this.usageExpiry(r.day));
    await this.setEnd(session, endsAt);
    this.d.logger.info({ event: 'session.extend', zone: r.zoneId, seconds: added }, 'session extended');
    return { ok: true, session, addedSeconds: added };
  }

  /** Moves a session's end (never into the past) and tells the store and the firewall. */
  async setEnd(session: LiveSession, endsAt: number): Promise<void> {
    const now = this.now;
    if (endsAt <= now) {
      await this.end(session.record.id, 'staff');
      return;
    }
    const refund = Math.floor((session.record.endsAt - endsAt) / 1000);
    if (refund > 0) await this.d.store.addUsage(session.record.day, session.record.pseudonym, -refund, this.usageExpiry(session.record.day));
    session.record = { ...session.record, endsAt };
    await this.d.store.putSession(session.record);
    this.live.set(session);
    await this.d.firewall.allow([
      { ip: session.ip, mac: session.mac, zoneId: session.record.zoneId, timeoutSeconds: Math.ceil((endsAt - now) / 1000) },
    ]);
  }

  /** Ends a session: revokes access, refunds unused allowance on logout, counts the minutes. */
  async end(id: string, reason: EndReason): Promise<boolean> {
    const session = this.live.delete(id);
    const record = session?.record ?? (await this.d.store.getSession(id));
    if (!record) return false;
    const now = this.now;
    const endedAt = Math.min(now, record.endsAt);
    if (reason !== 'expired' && record.endsAt > now) {
      const unused = Math.floor((record.endsAt - now) / 1000);
      if (unused > 0 && this.d.keys.get(record.day)) {
        await this.d.store.addUsage(record.day, record.pseudonym, -unused, this.usageExpiry(record.day));
      }
    }
    await this.d.store.deleteSession(id);
    if (session) await this.d.firewall.revoke([{ ip: session.ip, mac: session.mac }]);
    await this.stat(record.zoneId, 'minutesUsed', Math.round((endedAt - record.startedAt) / 60_000));
    this.d.logger.info({ event: 'session.end', zone: record.zoneId, reason }, 'session ended');
    for (const listener of this.endListeners) listener(record, reason);
    return true;
  }

  /** Ends the session of a client address (the patron's own logout). */
  async logout(ip: string): Promise<boolean> {
    const s = this.lookup(ip);
    return s ? this.end(s.record.id, 'logout') : false;
  }

  /** Shortens running sessions of a zone to a new policy (when staff choose to). Returns how many changed. */
  async applyPolicyToRunning(zoneId: string, policy: Policy): Promise<number> {
    const now = this.now;
    const open = openStatus(policy, now, this.d.config.timezone);
    let changed = 0;
    for (const s of this.live.all()) {
      if (s.record.zoneId !== zoneId || s.record.endsAt <= now) continue;
      const end = shortenedEnd(s.record, policy, open, now);
      if (end < s.record.endsAt) {
        await this.setEnd(s, end);
        changed++;
      }
    }
    return changed;
  }

  /**
   * Loads this gateway's sessions from the store and lets them through the firewall again, so
   * a restart logs nobody out. Sessions whose key is gone cannot be re-created and are dropped.
   */
  async start(): Promise<void> {
    await this.reconcile();
    const all = this.live.all();
    const now = this.now;
    const alive = all.filter((s) => s.record.endsAt > now);
    // The kernel may still let through clients whose sessions ended while Threshold was down.
    const keep = new Set(alive.map((s) => s.ip));
    const stale = (await this.d.firewall.list()).filter((e) => !keep.has(e.ip));
    if (stale.length) await this.d.firewall.revoke(stale.map((e) => ({ ip: e.ip, ...(e.mac ? { mac: e.mac } : {}) })));
    if (alive.length) {
      await this.d.firewall.allow(
        alive.map((s) => ({ ip: s.ip, mac: s.mac, zoneId: s.record.zoneId, timeoutSeconds: Math.ceil((s.record.endsAt - now) / 1000) })),
      );
    }
    this.d.logger.info({ event: 'sessions.restored', count: alive.length }, 'sessions restored');
  }

  /**
   * Brings the live view in step with the store: picks up sessions changed or ended elsewhere
   * (staff console, CLI, another process) and re-creates those loaded at start.
   */
  async reconcile(): Promise<void> {
    const records = await this.d.store.listSessions(this.d.config.gatewayId);
    const seen = new Set<string>();
    const now = this.now;
    let n = 0;
    for (const record of records) {
      // Let probes through while a large gateway is reconciled.
      if (++n % 500 === 0) await new Promise((r) => setImmediate(r));
      seen.add(record.id);
      const mine = this.live.byIdOf(record.id);
      if (mine) {
        if (mine.record.endsAt !== record.endsAt && record.endsAt > now) {
          mine.record = record;
          await this.d.firewall.allow([{ ip: mine.ip, mac: mine.mac, zoneId: record.zoneId, timeoutSeconds: Math.ceil((record.endsAt - now) / 1000) }]);
        }
        continue;
      }
      const addr = this.d.keys.open<ClientAddress>(record.day, record.sealedAddress);
      if (!addr) {
        await this.d.store.deleteSession(record.id);
        continue;
      }
      this.live.set({ record, ip: addr.ip, ...(addr.mac ? { mac: addr.mac } : {}) });
    }
    for (const s of this.live.all()) {
      if (!seen.has(s.record.id) && !this.pending.has(s.ip)) {
        this.live.delete(s.record.id);
        await this.d.firewall.revoke([{ ip: s.ip, mac: s.mac }]);
        this.d.logger.info({ event: 'session.end', zone: s.record.zoneId, reason: 'elsewhere' }, 'session ended elsewhere');
      }
    }
  }

  /** Periodic work: ends sessions whose time is up or that went idle; updates the peak. */
  async tick(): Promise<void> {
    const now = this.now;
    const counters = await this.activity();
    for (const s of this.live.all()) {
      if (s.record.endsAt <= now) {
        await this.end(s.record.id, 'expired');
        continue;
      }
      const bytes = counters.get(s.ip);
      if (bytes === undefined) continue;
      if (this.dataUsedUp(s, bytes)) {
        await this.end(s.record.id, 'data');
        continue;
      }
      if (s.lastBytes === undefined || bytes !== s.lastBytes) {
        s.lastBytes = bytes;
        s.record = { ...s.record, lastActivityAt: now };
        continue;
      }
      const policy = await this.policies.get(s.record.zoneId);
      if (isIdle(s.record.lastActivityAt, now, policy.idleMinutes)) await this.end(s.record.id, 'idle');
    }
    for (const zone of this.d.config.zones) {
      const n = this.live.countInZone(zone.id, now);
      if (n) await this.d.store.raisePeak(zone.id, hourOf(now), n, this.statsExpiry(now));
    }
  }

  /** Destroys day keys whose records have all expired, and deletes those records everywhere. */
  async pruneKeys(): Promise<string[]> {
    const gone = this.d.keys.prune();
    for (const day of gone) await this.d.store.purgeDay(day);
    return gone;
  }

  /**
   * Lets through again live sessions the firewall no longer holds (its table deleted by a
   * reload of the host firewall, say). Returns how many.
   */
  async restoreMissing(): Promise<number> {
    const now = this.now;
    const held = new Set((await this.d.firewall.list()).map((e) => e.ip));
    const missing = this.live.all().filter((s) => s.record.endsAt > now && !held.has(s.ip) && !this.pending.has(s.ip));
    if (!missing.length) return 0;
    await this.d.firewall.allow(
      missing.map((s) => ({ ip: s.ip, mac: s.mac, zoneId: s.record.zoneId, timeoutSeconds: Math.ceil((s.record.endsAt - now) / 1000) })),
    );
    this.d.logger.warn({ event: 'firewall.restored', count: missing.length }, `${missing.length} session(s) were missing from the firewall and were let through again`);
    return missing.length;
  }

  // --- data allowance (issue 3): per session, counted by the firewall ---

  /** Bytes left of the zone's data allowance, or undefined when the zone has none. */
  bytesLeft(s: LiveSession): number | undefined {
    const mb = this.policies.peek(s.record.zoneId)?.dataMB;
    return mb === undefined ? undefined : Math.max(0, mb * 1_000_000 - (s.lastBytes ?? 0));
  }

  private dataUsedUp(s: LiveSession, bytes: number): boolean {
    const mb = this.policies.peek(s.record.zoneId)?.dataMB;
    if (mb === undefined || bytes < mb * 1_000_000) return false;
    s.lastBytes = bytes;
    return true;
  }

  /** Seconds left on a session. */
  secondsLeft(s: LiveSession): number {
    return Math.max(0, Math.ceil((s.record.endsAt - this.now) / 1000));
  }

  private async activity(): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const e of await this.d.firewall.list()) if (e.bytes !== undefined) out.set(e.ip, e.bytes);
    return out;
  }

  private async uniqueCode(): Promise<string> {
    for (let i = 0; i < 10; i++) {
      const code = readableCode(this.d.random);
      if (!(await this.d.store.findSessionByCode(code))) return code;
    }
    throw new Error('could not find a free session code');
  }

  /** Usage of a day is needed until the end of the next day (a session may cross midnight). */
  usageExpiry(day: string): number {
    return zonedTime(addDays(day, 2), 0, this.d.config.timezone);
  }

  private statsExpiry(now: number): number {
    return now + this.d.config.statsRetentionDays * 86_400_000;
  }

  private async stat(zoneId: string, counter: StatCounter, by = 1): Promise<void> {
    if (by <= 0) return;
    await this.d.store.bumpStats(zoneId, hourOf(this.now), { [counter]: by }, this.statsExpiry(this.now));
  }

  /** When today's allowance is renewed (the next local midnight). */
  allowanceResetsAt(): number {
    return nextMidnight(this.now, this.d.config.timezone);
  }
}

function hourOf(ms: number): number {
  return Math.floor(ms / HOUR) * HOUR;
}

function capped(policy: Policy, maxSeconds?: number): Policy {
  if (maxSeconds === undefined) return policy;
  return { ...policy, sessionMinutes: Math.max(1, Math.min(policy.sessionMinutes, Math.floor(maxSeconds / 60))) };
}
