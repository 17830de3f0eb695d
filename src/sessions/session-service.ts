// Patron sessions: grant, extend, end and expire. The grant itself is session-grants.ts, keeping
// the firewall in step with the store session-sync.ts, the periodic sweep session-sweep.ts, the
// counters session-stats.ts.
import type { Policy, Zone } from '../config/schema';
import { addDays, nextMidnight, zonedTime } from '../domain/local-time';
import { openStatus, type OpenStatus } from '../domain/opening-hours';
import { allowanceLeft, mayExtend, planExtend, planStaffExtend, shortenedEnd } from '../domain/quota';
import { ZoneResolver } from '../domain/zones';
import type { SessionRecord, StatCounter } from '../store/types';
import { LiveView, type LiveSession } from './live-view';
import { PolicyBook } from './policies';
import { SessionSync } from './session-sync';
import { DeviceAddresses } from './device-addresses';
import { KeyPruning } from './key-pruning';
import { SessionEventTally } from './session-log';
import { SessionStats } from './session-stats';
import { SessionSweep, bytesLeft } from './session-sweep';
import type { ClientAddress, EndReason, ExtendResult, GrantOptions, GrantResult, SessionServiceDeps } from './session-types';
import { SessionReseal, type ResealResult } from './session-reseal';
import { SessionChanges } from './session-changes';
import { SessionGrants } from './session-grants';
import { StoreBreaker, guardedStore, storeAway } from './store-breaker';
import { UsageView, WriteThrough } from './write-through';

export type { ClientAddress, EndReason, ExtendResult, GrantResult, SessionServiceDeps } from './session-types';

/** How an extension is asked for: staff's minutes, or the queue's automatic top-up. */
export interface ExtendOptions {
  bySeconds?: number;
  automatic?: boolean;
}

export class SessionService {
  readonly live = new LiveView();
  /** Session events counted for the periodic log summary (no log line per session). */
  readonly tally = new SessionEventTally();
  readonly zones: ZoneResolver;
  readonly policies: PolicyBook;
  private readonly sync: SessionSync;
  private readonly stats: SessionStats;
  private readonly sweep: SessionSweep;
  private readonly resealer: SessionReseal;
  private readonly changes: SessionChanges;
  /** Branch autonomy: the store's health on patron paths, grants not yet written, devices' usage as known here. */
  readonly breaker: StoreBreaker;
  private readonly unwritten: WriteThrough;
  private readonly usage = new UsageView();
  private readonly devices: DeviceAddresses;
  private readonly keyPruning: KeyPruning;
  private readonly grants: SessionGrants;

  constructor(private readonly d: SessionServiceDeps) {
    this.zones = new ZoneResolver(d.config.zones);
    this.breaker = d.breaker ?? new StoreBreaker({ logger: d.logger, timeoutMs: d.config.storeTimeoutMs });
    // What the breaker gave up on is never sent later by the store client (it stays failed).
    if (d.store.abandonable) this.breaker.abandonWith((fn) => d.store.abandonable!(fn));
    const guard = <T>(fn: () => Promise<T>): Promise<T> => this.breaker.run(fn);
    this.policies = new PolicyBook(d.config, d.store, () => d.clock.now(), undefined, guard);
    this.unwritten = new WriteThrough((g) => guard(() => d.store.grantSession(g.record, g.charge)), d.logger);
    this.devices = new DeviceAddresses(d.firewall, this.live, this.zones, () => d.clock.now());
    this.stats = new SessionStats(d.store, d.config, d.clock, guard, d.logger, d.random);
    this.grants = new SessionGrants(d, {
      live: this.live,
      zones: this.zones,
      policies: this.policies,
      breaker: this.breaker,
      unwritten: this.unwritten,
      usage: this.usage,
      devices: this.devices,
      stats: this.stats,
      tally: this.tally,
      lookup: (ip) => this.lookup(ip),
      usageExpiry: (day) => this.usageExpiry(day),
    });
    // Grants kept while the store was away are not in its listing yet: not ended elsewhere.
    this.sync = new SessionSync(d, this.live, this.grants.pending, this.tally, () => this.unwritten.ids(), () => this.breaker.away);
    // A failover may lose a write the old primary acknowledged: the peaks are written again.
    d.store.onReconnect?.(() => this.stats.forgetWrittenPeaks());
    this.breaker.onBack(() => {
      this.stats.forgetWrittenPeaks();
      void this.writeThrough();
      // A write-back of live sessions that failed while the store went is tried again now.
      this.sync.retryReassert();
    });
    this.changes = new SessionChanges({
      ...d,
      // Extend, log out, end: bounded waits, and "one moment" (503) while the store is away.
      store: guardedStore(d.store, this.breaker),
      live: this.live,
      stats: this.stats,
      tally: this.tally,
      usageExpiry: (day) => this.usageExpiry(day),
      onEnd: (record, reason) => {
        for (const listener of this.endListeners) listener(record, reason);
      },
    });
    this.sweep = new SessionSweep(d, this.live, this.policies, this.stats, (id, reason) => this.end(id, reason));
    this.resealer = new SessionReseal(d, this.live, () => this.unwritten.ids());
    this.keyPruning = new KeyPruning(d, this.usage, (id) => this.live.byIdOf(id));
  }

  private get now(): number {
    return this.d.clock.now();
  }

  // Public workstations: who is told that a session ended, and why.
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
    const usedSeconds = await this.grants.usedSeconds(day, this.d.keys.pseudonym(day, client.mac ?? client.ip));
    return { zone, policy, open, usedSeconds, leftSeconds: allowanceLeft(policy, usedSeconds) };
  }

  /** Starts a session for a client, or says why not. A client with a live session gets it back. */
  grant(client: ClientAddress, via: SessionRecord['via'] = 'click-through', maxSeconds?: number, opts: GrantOptions = {}): Promise<GrantResult> {
    return this.grants.grant(client, via, maxSeconds, opts);
  }

  /** True while the shared store is away (patron-path calls fail fast). */
  get storeAway(): boolean {
    return this.breaker.away;
  }

  /** How many grants made while the store was away wait to be written through. */
  get unwrittenGrants(): number {
    return this.unwritten.size;
  }

  /** Writes through the grants and counters kept while the store was away (idempotent replays). */
  async writeThrough(): Promise<void> {
    await this.unwritten.flush();
    await this.stats.flush();
  }

  /** Adds to this hour's counters of a zone (lesson views); never rejects, a failed write is retried. */
  count(zoneId: string, counts: Partial<Record<StatCounter, number>>): Promise<void> {
    return this.stats.bump(zoneId, counts);
  }

  /** Writes a grant kept while the store was away before the session is changed; else "one moment". */
  private async settle(id: string): Promise<void> {
    if (!this.unwritten.has(id)) return;
    await this.unwritten.flush();
    if (this.unwritten.has(id)) throw storeAway();
  }

  /** Tops a client's session up to a full session length, as its allowance and the hours allow. */
  async extend(ip: string): Promise<ExtendResult> {
    const session = this.lookup(ip);
    if (!session) return { ok: false, reason: 'no-session' };
    return this.extendSession(session);
  }

  async extendSession(session: LiveSession, opts: ExtendOptions = {}): Promise<ExtendResult> {
    const result = await this.extendById(session.record.id, opts);
    return result.ok ? { ...result, session: this.live.byIdOf(session.record.id) ?? session } : result;
  }

  /**
   * Extends a session of any gateway by compare-and-set, decided from the stored record: the
   * patron's top-up (`planExtend`), or staff's `bySeconds` (never past closing time).
   */
  async extendById(id: string, opts: ExtendOptions = {}): Promise<{ ok: true; addedSeconds: number } | Exclude<ExtendResult, { ok: true }>> {
    await this.settle(id);
    const result = await this.changes.move(id, async (r, now) => {
      const policy = await this.policies.get(r.zoneId);
      const open = openStatus(policy, now, this.d.config.timezone);
      if (opts.bySeconds !== undefined) {
        const plan = planStaffExtend(r.endsAt, opts.bySeconds, open);
        return plan.ok ? plan.endsAt : { refuse: plan.reason };
      }
      // A pass gives its minutes; only a policy that says so lets a patron add to them. The
      // queue's automatic extension (policy autoExtend) is the zone's own choice, not the patron's.
      if (!opts.automatic && !mayExtend(policy, r.via)) return { refuse: 'not-allowed' as const };
      const usedSeconds = await this.breaker.run(() => this.d.store.getUsage(r.day, r.pseudonym));
      const plan = planExtend({ policy: opts.automatic ? { ...policy, allowExtend: true } : policy, now, usedSeconds, open, endsAt: r.endsAt });
      return plan.ok ? plan.endsAt : { refuse: plan.reason };
    });
    if (!result.ok) return result;
    this.tally.count('extended');
    return { ok: true, addedSeconds: result.addedSeconds };
  }

  /** Ends a session: revokes access, refunds unused allowance (not on expiry), counts the minutes. */
  async end(id: string, reason: EndReason): Promise<boolean> {
    await this.settle(id);
    return this.changes.end(id, reason);
  }

  /** Ends the session of a client address (the patron's own logout). */
  async logout(ip: string): Promise<boolean> {
    const s = this.lookup(ip);
    return s ? this.end(s.record.id, 'logout') : false;
  }

  /**
   * Shortens running sessions of a zone to a new policy (when staff choose to), each by
   * compare-and-set from its stored record; `records` defaults to this gateway's live sessions.
   * Returns how many changed.
   */
  async applyPolicyToRunning(zoneId: string, policy: Policy, records: Pick<SessionRecord, 'id' | 'zoneId' | 'endsAt'>[] = this.live.all().map((s) => s.record)): Promise<number> {
    let changed = 0;
    for (const s of records) {
      if (s.zoneId !== zoneId || s.endsAt <= this.now) continue;
      const result = await this.changes.move(s.id, async (r, now) => {
        const end = shortenedEnd(r, policy, openStatus(policy, now, this.d.config.timezone), now);
        return end < r.endsAt ? end : { refuse: 'unchanged' as const };
      });
      if (result.ok) changed++;
    }
    return changed;
  }

  /** Loads this gateway's sessions and lets them through again: a restart logs nobody out. */
  start(): Promise<void> {
    return this.sync.start();
  }

  /** Brings the live view in step with the store (changes made by staff, the CLI, another process). */
  async reconcile(): Promise<void> {
    await this.writeThrough();
    // While the store is away there is nothing to reconcile with.
    if (this.breaker.away) return;
    return this.sync.reconcile();
  }

  /** Periodic work: writes through what was kept; ends sessions whose time, data or activity ran out; updates the peak. */
  async tick(): Promise<void> {
    this.live.pruneEnded(this.now);
    await this.writeThrough();
    if (this.breaker.away) return;
    return this.sweep.tick();
  }

  /**
   * Destroys the pseudonym keys of past days, then purges each such day's usage records and
   * sessions once no live session of this gateway began that day. Returns the days purged.
   */
  pruneKeys(): Promise<string[]> {
    return this.keyPruning.run();
  }

  /** Forward secrecy: re-seals live sessions under the current address epoch, destroys unused keys. */
  reseal(): Promise<ResealResult> {
    return this.resealer.run();
  }

  /** Lets the new addresses the firewall saw from devices with a session through with it. Returns how many. */
  learnAddresses(): Promise<number> {
    return this.devices.learn();
  }

  /** Lets through again live sessions the firewall lost (a host firewall reload). Returns how many. */
  restoreMissing(): Promise<number> {
    return this.sync.restoreMissing();
  }

  /** Bytes left of the zone's data allowance, or undefined when the zone has none. */
  bytesLeft(s: LiveSession): number | undefined {
    return bytesLeft(this.policies.peek(s.record.zoneId), s.lastBytes ?? 0);
  }

  /** Seconds left on a session. */
  secondsLeft(s: LiveSession): number {
    return Math.max(0, Math.ceil((s.record.endsAt - this.now) / 1000));
  }

  /** Usage of a day is needed until the end of the next day (a session may cross midnight). */
  usageExpiry(day: string): number {
    return zonedTime(addDays(day, 2), 0, this.d.config.timezone);
  }

  /** When today's allowance is renewed (the next local midnight). */
  allowanceResetsAt(): number {
    return nextMidnight(this.now, this.d.config.timezone);
  }
}
