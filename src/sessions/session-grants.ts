// Granting a patron's session: one session per device however many taps or addresses, the plan
// from the zone's policy and the device's allowance, and the write of session and charge
// together (kept here and written through while the shared store is away).
import type { Policy, Zone } from '../config/schema';
import { openStatus } from '../domain/opening-hours';
import { planGrant, type GrantPlan } from '../domain/quota';
import type { ZoneResolver } from '../domain/zones';
import { randomUuid, readableCode } from '../privacy/random';
import type { GrantCharge, GrantCheck, GrantConflict, SessionRecord } from '../store/types';
import type { DeviceAddresses } from './device-addresses';
import { liveSession, type LiveSession, type LiveView } from './live-view';
import type { PolicyBook } from './policies';
import type { SessionEventTally } from './session-log';
import type { SessionStats } from './session-stats';
import { firewallClients } from './session-sync';
import type { ClientAddress, GrantOptions, GrantResult, SessionServiceDeps } from './session-types';
import { storeAway, type StoreBreaker } from './store-breaker';
import type { UsageView, WriteThrough } from './write-through';

/** How often one grant is planned again after the store found its usage total changed or its code taken. */
const GRANT_TRIES = 5;

/** The session service's parts a grant works with. */
export interface GrantParts {
  live: LiveView;
  zones: ZoneResolver;
  policies: PolicyBook;
  breaker: StoreBreaker;
  unwritten: WriteThrough;
  usage: UsageView;
  devices: DeviceAddresses;
  stats: SessionStats;
  tally: SessionEventTally;
  /** The live session of a client address (from memory). */
  lookup(ip: string): LiveSession | undefined;
  /** Until when a day's usage record is kept. */
  usageExpiry(day: string): number;
}

export class SessionGrants {
  /** Grants in flight per address, so a double tap on the button starts one session. */
  readonly pending = new Map<string, Promise<GrantResult>>();
  /** The same grants by device (MAC): another address of a device being granted waits for it. */
  private readonly pendingDevices = new Map<string, Promise<GrantResult>>();

  constructor(
    private readonly d: SessionServiceDeps,
    private readonly g: GrantParts,
  ) {}

  private get now(): number {
    return this.d.clock.now();
  }

  /** Starts a session for a client, or says why not. A client with a live session gets it back. */
  async grant(client: ClientAddress, via: SessionRecord['via'] = 'click-through', maxSeconds?: number, opts: GrantOptions = {}): Promise<GrantResult> {
    // One device, one session: a device online from another address gets its session here too.
    const existing = this.g.lookup(client.ip) ?? (await this.g.devices.adopt(client));
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
    const zone = this.g.zones.zoneFor(client.ip);
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
      const policy = await this.g.policies.get(zone.id);
      const open = openStatus(policy, now, this.d.config.timezone);
      // A zone that requires a pass is entered with a pass, never by accepting the terms.
      if (policy.accessMode === 'pass' && via !== 'pass') return { ok: false, reason: 'pass-required', zone, open, policy };
      const day = this.d.keys.today();
      const pseudonym = this.d.keys.pseudonym(day, client.mac ?? client.ip);
      // One round trip: the plan is made from the usage this gateway last knew (GET / read it),
      // and the store checks that total and the code in the same step as the write. While grants
      // wait to be written through, the store's total is behind this gateway's: read it first.
      const checked = !this.g.breaker.away && this.g.unwritten.size === 0;
      let usedSeconds = checked ? this.g.usage.known(day, pseudonym) : await this.usedSeconds(day, pseudonym);
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
          await this.g.stats.bump(zone.id, { [plan.reason === 'closed' ? 'refusedClosed' : 'refusedAllowance']: 1 });
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
        const outcome = await this.record(record, { seconds: plan.seconds, expiresAt: this.g.usageExpiry(day) }, checked ? { usedSeconds } : undefined);
        if (typeof outcome === 'boolean') break;
        // Never seen in practice (each try is one round trip): the patron gets "one moment" and tries again.
        if (attempt >= GRANT_TRIES) throw storeAway(new Error(`a grant met a changed usage total or a taken code ${GRANT_TRIES} times`));
        // The device was charged elsewhere meanwhile (plan again from the stored total), or the code is taken (draw another).
        if (outcome.conflict === 'usage') {
          usedSeconds = outcome.usedSeconds;
          read = true;
        }
      }
      this.g.usage.remember(day, pseudonym, usedSeconds + plan.seconds);
      const session = liveSession(record, client.ip, client.mac);
      this.g.live.set(session);
      // The counters are sent now but not waited for: they never fail a grant (a failed one is
      // kept and retried), and the patron need not wait a round trip for them. Sent before any
      // later command on the same connection, so a read after the grant sees them.
      void this.g.stats.bump(zone.id, { sessionsStarted: 1, ...(via === 'pass' ? { passesRedeemed: 1 } : {}) });
      void this.g.stats.raisePeak(zone.id, this.g.live.heldInZone(zone.id));
      // The time left now, not at the start of the grant: the firewall never outlasts the record.
      await this.d.firewall.allow(firewallClients(session, this.now));
      this.g.tally.count('started');
      return { ok: true, session };
    }
  }

  /**
   * Writes a new session with its charge, all or nothing. While the store is away the grant is
   * kept here and written through when it answers (the same session id: never charged twice).
   */
  private async record(record: SessionRecord, charge: GrantCharge, check?: GrantCheck): Promise<boolean | GrantConflict> {
    try {
      return await this.g.breaker.run(() => this.d.store.grantSession(record, charge, check));
    } catch (err) {
      if (this.g.unwritten.full) throw storeAway(err);
      this.g.unwritten.add({ record, charge });
      return true;
    }
  }

  /**
   * A device's usage of a day: from the store, or while it is away from what this gateway knows
   * (its last read plus this gateway's own grants since). Grants of other branches made since
   * the last read are not known here: that is the over-grant docs/multi-branch.md describes.
   */
  async usedSeconds(day: string, pseudonym: string): Promise<number> {
    const known = this.g.usage.known(day, pseudonym);
    try {
      const stored = await this.g.breaker.run(() => this.d.store.getUsage(day, pseudonym));
      // Grants not yet written through are not in the store's total yet.
      const used = this.g.unwritten.size ? Math.max(stored, known) : stored;
      this.g.usage.remember(day, pseudonym, used);
      return used;
    } catch {
      return known;
    }
  }

  /** A session code the store can check in the same step as the grant (`Store.codeFits`). */
  private drawCode(pseudonym: string): string {
    for (let i = 0; i < 10_000; i++) {
      const code = readableCode(this.d.random);
      if (this.d.store.codeFits?.(code, pseudonym) ?? true) return code;
    }
    throw new Error('could not draw a session code that fits the store');
  }
}

function capped(policy: Policy, maxSeconds?: number): Policy {
  if (maxSeconds === undefined) return policy;
  return { ...policy, sessionMinutes: Math.max(1, Math.min(policy.sessionMinutes, Math.floor(maxSeconds / 60))) };
}
