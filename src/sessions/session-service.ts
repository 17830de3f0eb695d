// Patron sessions: grant, extend, end and expire. Keeping the firewall in step with the store
// is session-sync.ts, the periodic sweep session-sweep.ts, the counters session-stats.ts.
import type { Policy, Zone } from '../config/schema';
import { addDays, nextMidnight, zonedTime } from '../domain/local-time';
import { openStatus, type OpenStatus } from '../domain/opening-hours';
import { allowanceLeft, mayExtend, planExtend, planGrant, planStaffExtend, shortenedEnd, type GrantPlan } from '../domain/quota';
import { ZoneResolver } from '../domain/zones';
import { randomUuid, readableCode } from '../privacy/random';
import type { GrantCharge, GrantCheck, GrantConflict, SessionRecord, StatCounter } from '../store/types';
import { LiveView, liveSession, type LiveSession } from './live-view';
import { PolicyBook } from './policies';
import { SessionSync, firewallClients } from './session-sync';
import { DeviceAddresses } from './device-addresses';
import { KeyPruning } from './key-pruning';
import { SessionEventTally } from './session-log';
import { SessionStats } from './session-stats';
import { SessionSweep, bytesLeft } from './session-sweep';
import type { ClientAddress, EndReason, ExtendResult, GrantOptions, GrantResult, SessionServiceDeps } from './session-types';
import { SessionReseal, type ResealResult } from './session-reseal';
import { SessionChanges } from './session-changes';
import { StoreBreaker, guardedStore, storeAway } from './store-breaker';
import { UsageView, WriteThrough } from './write-through';

export type { ClientAddress, EndReason, ExtendResult, GrantResult, SessionServiceDeps } from './session-types';

/** How often one grant is planned again after the store found its usage total changed or its code taken. */
const GRANT_TRIES = 5;

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
  /** Grants in flight per address, so a double tap on the button starts one session. */
  private readonly pending = new Map<string, Promise<GrantResult>>();
  /** The same grants by device (MAC): another address of a device being granted waits for it. */
  private readonly pendingDevices = new Map<string, Promise<GrantResult>>();

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

  constructor(private readonly d: SessionServiceDeps) {
    this.zones = new ZoneResolver(d.config.zones);
    this.breaker = d.breaker ?? new StoreBreaker({ logger: d.logger, timeoutMs: d.config.storeTimeoutMs });
    // What the breaker gave up on is never sent later by the store client (it stays failed).
    if (d.store.abandonable) this.breaker.abandonWith((fn) => d.store.abandonable!(fn));
    const guard = <T>(fn: () => Promise<T>): Promise<T> => this.breaker.run(fn);
    this.policies = new PolicyBook(d.config, d.store, () => d.clock.now(), undefined, guard);
    this.unwritten = new WriteThrough((g) => guard(() => d.store.grantSession(g.record, g.charge)), d.logger);
    // Grants kept while the store was away are not in its listing yet: not ended elsewhere.
    this.sync = new SessionSync(d, this.live, this.pending, this.tally, () => this.unwritten.ids(), () => this.breaker.away);
    this.stats = new SessionStats(d.store, d.config, d.clock, guard, d.logger, d.random);
    this.breaker.onBack(() => {
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
    this.devices = new DeviceAddresses(d.firewall, this.live, this.zones, () => d.clock.now());
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
    const usedSeconds = await this.usedSeconds(day, this.d.keys.pseudonym(day, client.mac ?? client.ip));
    return { zone, policy, open, usedSeconds, leftSeconds: allowanceLeft(policy, usedSeconds) };
  }

  /**
   * A device's usage of a day: from the store, or while it is away from what this gateway knows
   * (its last read plus this gateway's own grants since). Grants of other branches made since
   * the last read are not known here: that is the over-grant docs/multi-branch.md describes.
   */
  private async usedSeconds(day: string, pseudonym: string): Promise<number> {
    const known = this.usage.known(day, pseudonym);
    try {
      const stored = await this.breaker.run(() => this.d.store.getUsage(day, pseudonym));
      // Grants not yet written through are not in the store's total yet.
      const used = this.unwritten.size ? Math.max(stored, known) : stored;
      this.usage.remember(day, pseudonym, used);
      return used;
    } catch {
      return known;
    }
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

  /** Starts a session for a client, or says why not. A client with a live session gets it back. */
  async grant(client: ClientAddress, via: SessionRecord['via'] = 'click-through', maxSeconds?: number, opts: GrantOptions = {}): Promise<GrantResult> {
    // One device, one session: a device online from another address gets its session here too.
    const existing = this.lookup(client.ip) ?? (await this.devices.adopt(client));
    if (existing) return { ok: true, session: existing, joined: true };
    const inFlight = this.pending.get(client.ip);
    if (inFlight) return inFlight.then((r): GrantResult => (r.ok ? { ok: true, session: r.session, joined: true } : r));
    const device = client.mac?.toLowerCase();
    const sameDevice = device !== undefined ? this.pendingDevices.get(device) : undefined;
    if (sameDevice) {
      // Its other address (IPv4 and IPv6 at once) is being granted: this one joins that session.
      await sameDevice.catch(() => undefined);
      return this.grant(client, via, maxSeconds, opts);
    }
    const zone = this.zones.zoneFor(client.ip);
    if (!zone) return { ok: false, reason: 'no-zone' };
    const work = this.startSession(client, zone, via, maxSeconds, opts);
    this.pending.set(client.ip, work);
    if (device !== undefined) this.pendingDevices.set(device, work);
    try {
      return await work;
    } finally {
      this.pending.delete(client.ip);
      if (device !== undefined) this.pendingDevices.delete(device);
    }
  }

  private async startSession(client: ClientAddress, zone: Zone, via: SessionRecord['via'], maxSeconds?: number, opts: GrantOptions = {}): Promise<GrantResult> {
    {
      const now = this.now;
      const policy = await this.policies.get(zone.id);
      const open = openStatus(policy, now, this.d.config.timezone);
      // A zone that requires a pass is entered with a pass, never by accepting the terms.
      if (policy.accessMode === 'pass' && via !== 'pass') return { ok: false, reason: 'pass-required', zone, open, policy };
      const day = this.d.keys.today();
      const pseudonym = this.d.keys.pseudonym(day, client.mac ?? client.ip);
      // One round trip: the plan is made from the usage this gateway last knew (GET / read it),
      // and the store checks that total and the code in the same step as the write. While grants
      // wait to be written through, the store's total is behind this gateway's: read it first.
      const checked = !this.breaker.away && this.unwritten.size === 0;
      let usedSeconds = checked ? this.usage.known(day, pseudonym) : await this.usedSeconds(day, pseudonym);
      let read = !checked;
      let plan: GrantPlan;
      let record: SessionRecord;
      for (let attempt = 1; ; attempt++) {
        // Time staff give at the desk is beyond today's allowance: the plan does not count what was used.
        plan = planGrant({ policy: capped(policy, maxSeconds), now, usedSeconds: opts.outsideAllowance ? 0 : usedSeconds, open });
        if (!plan.ok && plan.reason === 'allowance-exhausted' && !read) {
          // Refused from what was known here: the store may know of a refund since. Read it once.
          usedSeconds = await this.usedSeconds(day, pseudonym);
          read = true;
          continue;
        }
        if (!plan.ok) {
          await this.stats.bump(zone.id, { [plan.reason === 'closed' ? 'refusedClosed' : 'refusedAllowance']: 1 });
          return { ok: false, reason: plan.reason, zone, open, policy };
        }
        record = {
          id: randomUuid(this.d.random).replace(/-/g, ''),
          code: this.drawCode(pseudonym),
          gatewayId: this.d.config.gatewayId,
          zoneId: zone.id,
          day,
          pseudonym,
          sealedAddress: this.d.keys.seal({ ip: client.ip, mac: client.mac }),
          startedAt: now,
          endsAt: plan.endsAt,
          lastActivityAt: now,
          via,
        };
        const outcome = await this.record(record, { seconds: plan.seconds, expiresAt: this.usageExpiry(day) }, checked ? { usedSeconds } : undefined);
        if (typeof outcome === 'boolean') break;
        // Never seen in practice (each try is one round trip): the patron gets "one moment" and tries again.
        if (attempt >= GRANT_TRIES) throw storeAway(new Error(`a grant met a changed usage total or a taken code ${GRANT_TRIES} times`));
        // The device was charged elsewhere meanwhile (plan again from the stored total), or the code is taken (draw another).
        if (outcome.conflict === 'usage') {
          usedSeconds = outcome.usedSeconds;
          read = true;
        }
      }
      this.usage.remember(day, pseudonym, usedSeconds + plan.seconds);
      const session = liveSession(record, client.ip, client.mac);
      this.live.set(session);
      // The counters are sent now but not waited for: they never fail a grant (a failed one is
      // kept and retried), and the patron need not wait a round trip for them. Sent before any
      // later command on the same connection, so a read after the grant sees them.
      void this.stats.bump(zone.id, { sessionsStarted: 1, ...(via === 'pass' ? { passesRedeemed: 1 } : {}) });
      void this.stats.raisePeak(zone.id, this.live.heldInZone(zone.id));
      // The time left now, not at the start of the grant: the firewall never outlasts the record.
      await this.d.firewall.allow(firewallClients(session, this.now));
      this.tally.count('started');
      return { ok: true, session };
    }
  }

  /**
   * Writes a new session with its charge, all or nothing. While the store is away the grant is
   * kept here and written through when it answers (the same session id: never charged twice).
   */
  private async record(record: SessionRecord, charge: GrantCharge, check?: GrantCheck): Promise<boolean | GrantConflict> {
    try {
      return await this.breaker.run(() => this.d.store.grantSession(record, charge, check));
    } catch (err) {
      if (this.unwritten.full) throw storeAway(err);
      this.unwritten.add({ record, charge });
      return true;
    }
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

  /** A session code the store can check in the same step as the grant (`Store.codeFits`). */
  private drawCode(pseudonym: string): string {
    for (let i = 0; i < 10_000; i++) {
      const code = readableCode(this.d.random);
      if (this.d.store.codeFits?.(code, pseudonym) ?? true) return code;
    }
    throw new Error('could not draw a session code that fits the store');
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

function capped(policy: Policy, maxSeconds?: number): Policy {
  if (maxSeconds === undefined) return policy;
  return { ...policy, sessionMinutes: Math.max(1, Math.min(policy.sessionMinutes, Math.floor(maxSeconds / 60))) };
}
