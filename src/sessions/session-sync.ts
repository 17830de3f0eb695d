// Keeping this gateway's live view and its firewall in step with the store: at start (a
// restart logs nobody out), every reconcile (changes made by staff, the CLI or another process),
// and when the firewall lost its table.
import type { FirewallClient } from '../firewall/types';
import { SESSION_GRACE_MS, type SessionRecord } from '../store/types';
import { forEachChunk, forEachPage } from '../jobs/chunks';
import { addressesOf, liveRecord, liveSession, type LiveSession, type LiveView } from './live-view';
import { SessionReassert } from './session-reassert';
import type { ClientAddress, SessionServiceDeps } from './session-types';
import type { SessionEventTally } from './session-log';

/** The firewall entries of a live session: each of its addresses, its zone and the time it has left. */
export function firewallClients(s: LiveSession, now: number): FirewallClient[] {
  const timeoutSeconds = Math.ceil((s.record.endsAt - now) / 1000);
  return addressesOf(s).map((ip) => ({ ip, mac: s.mac, zoneId: s.record.zoneId, timeoutSeconds }));
}

/** What to revoke when a session ends: its addresses no newer session holds, with the device's MAC. */
export function revokedClients(s: LiveSession, live: Pick<LiveView, 'holder' | 'macHolder'>): { ip: string; mac?: string }[] {
  // Another session of the same device (granted before sessions were per device) keeps its MAC.
  const mac = s.mac && !live.macHolder(s.mac) ? s.mac : undefined;
  return addressesOf(s)
    .filter((ip) => !live.holder(ip))
    .map((ip) => ({ ip, ...(mac ? { mac } : {}) }));
}

export class SessionSync {
  private readonly reassert: SessionReassert;
  private subscribed = false;

  /**
   * @param pending grants in flight per address: a session being granted is not in the store
   *   yet, so it must not be taken for one that ended elsewhere
   * @param unwritten ids of grants made while the store was away and not yet written through:
   *   likewise not in the store yet
   * @param storeAway true while the outage breaker holds the store as away: no write-back is tried
   */
  constructor(
    private readonly d: Pick<SessionServiceDeps, 'config' | 'store' | 'firewall' | 'keys' | 'clock' | 'logger'>,
    private readonly live: LiveView,
    private readonly pending: ReadonlyMap<string, unknown>,
    private readonly tally: SessionEventTally,
    private readonly unwritten: () => ReadonlySet<string> = () => new Set(),
    storeAway: () => boolean = () => false,
  ) {
    this.reassert = new SessionReassert(d, live, pending, unwritten, storeAway);
  }

  /** Writes back live sessions the store lost (after a failover or reconnect); resolves with how many. */
  reassertLive(): Promise<number> {
    return this.reassert.request();
  }

  /** Tries a failed write-back again now (the outage breaker saw the store answer again). */
  retryReassert(): void {
    this.reassert.retryNow();
  }

  /** Reconcile passes so far: each marks the live sessions it finds in the store with its number. */
  private passes = 0;

  /**
   * Loads this gateway's sessions from the store and lets them through the firewall again, so
   * a restart logs nobody out. Sessions whose key is gone cannot be re-created and are dropped.
   */
  async start(): Promise<void> {
    if (!this.subscribed) {
      this.subscribed = true;
      this.d.store.onReconnect?.(() => void this.reassert.request());
    }
    await this.reconcile();
    const all = this.live.all();
    const now = this.d.clock.now();
    const alive = all.filter((s) => s.record.endsAt > now);
    // The kernel may still let through clients whose sessions ended while Threshold was down;
    // the other addresses of a live device are its own again.
    const keep = new Set(alive.map((s) => s.ip));
    const stale = (await this.d.firewall.list()).filter((e) => {
      if (keep.has(e.ip)) return false;
      const device = e.mac ? this.live.forMac(e.mac, now) : undefined;
      return !(device && this.live.attach(device, e.ip));
    });
    // A stale address's MAC is forgotten only when no live session is held to it.
    if (stale.length) await this.d.firewall.revoke(stale.map((e) => ({ ip: e.ip, ...(e.mac && !this.live.forMac(e.mac, now) ? { mac: e.mac } : {}) })));
    if (alive.length) {
      await this.d.firewall.allow(alive.flatMap((s) => firewallClients(s, now)));
    }
    this.d.logger.info({ event: 'sessions.restored', count: alive.length }, 'sessions restored');
  }

  /**
   * Brings the live view in step with the store: picks up sessions changed or ended elsewhere
   * (staff console, CLI, another process) and re-creates those loaded at start. Pages through
   * the store and reads only the records whose end differs from the live view's, in pages sized
   * by time with the event loop let run between them, so a gateway of 100,000 sessions keeps answering meanwhile.
   */
  async reconcile(): Promise<void> {
    // A session missing from the store right after a reconnect may be one a pass is writing back.
    await this.reassert.idle();
    const pass = ++this.passes;
    const read = (id: string, endsAt: number): boolean => {
      const mine = this.live.byIdOf(id);
      if (!mine || mine.record.endsAt !== endsAt) return true;
      mine.seenInPass = pass;
      return false;
    };
    const { gatewayId } = this.d.config;
    await forEachPage(
      (cursor, size) => this.d.store.scanSessions(gatewayId, cursor, size, { read }),
      (page) => this.apply(page.sessions, pass),
    );
    // A write-back that failed is owed (and being tried again): the store may lack live sessions
    // of this gateway that ended nowhere. None is ended for that until a pass has succeeded.
    if (this.reassert.owed) return;
    await this.dropUnseen(pass);
  }

  /** Takes in records read from the store: changed ends are followed, new sessions join the view. */
  private async apply(records: SessionRecord[], pass: number): Promise<void> {
    const now = this.d.clock.now();
    for (const record of records) {
      const mine = this.live.byIdOf(record.id);
      if (mine) {
        mine.seenInPass = pass;
        if (mine.record.endsAt !== record.endsAt && record.endsAt > now) await this.follow(record.id);
        continue;
      }
      const addr = this.d.keys.open<ClientAddress>(record.day, record.sealedAddress);
      if (!addr) {
        await this.d.store.deleteSession(record.id);
        continue;
      }
      this.live.set(liveSession(record, addr.ip, addr.mac, pass));
    }
  }

  /**
   * Ends here the sessions this pass did not find in the store. Each is looked up once more
   * first: a grant that finished, or an end that moved, while the pass was under way is not an
   * end elsewhere.
   */
  private async dropUnseen(pass: number): Promise<void> {
    await forEachChunk(this.live.values(), async (chunk) => {
      // Grants kept while the store was away are not in it yet: not ended elsewhere either.
      const unwritten = this.unwritten();
      const unseen = chunk.filter((s) => s.seenInPass !== pass && !this.pending.has(s.ip) && !unwritten.has(s.record.id));
      const still = unseen.length ? await this.d.store.getSessions(unseen.map((s) => s.record.id)) : [];
      const now = this.d.clock.now();
      for (const [i, s] of unseen.entries()) {
        if (still[i] || this.live.byIdOf(s.record.id) !== s) continue;
        if (!this.live.end(s.record.id, now + SESSION_GRACE_MS)) continue;
        // Another session (a newer grant) holds an address now: its access stays.
        const gone = revokedClients(s, this.live);
        if (!gone.length) continue;
        await this.d.firewall.revoke(gone);
        this.tally.count('ended');
      }
    });
  }

  /**
   * Takes a session's end from a fresh read of the store (the list may be older than a change
   * made here since), and gives the firewall the new time left.
   */
  private async follow(id: string): Promise<void> {
    const fresh = await this.d.store.getSession(id);
    const s = this.live.byIdOf(id);
    const now = this.d.clock.now();
    if (!fresh || !s || fresh.endsAt === s.record.endsAt || fresh.endsAt <= now) return;
    s.record = liveRecord(fresh, s.record.lastActivityAt);
    await this.d.firewall.allow(firewallClients(s, now));
  }

  /**
   * Lets through again live sessions the firewall no longer holds (its table deleted by a
   * reload of the host firewall, say). Returns how many.
   */
  async restoreMissing(): Promise<number> {
    const now = this.d.clock.now();
    const held = await this.d.firewall.heldAddresses();
    const missing: FirewallClient[] = [];
    await forEachChunk(this.live.values(), (chunk) => {
      for (const s of chunk) {
        if (s.record.endsAt <= now || this.pending.has(s.ip)) continue;
        // Nothing is built for a session the firewall holds whole (nearly all, nearly always).
        if (held.has(s.ip) && (!s.more || s.more.every((ip) => held.has(ip)))) continue;
        missing.push(...firewallClients(s, now).filter((c) => !held.has(c.ip)));
      }
    });
    if (!missing.length) return 0;
    await this.d.firewall.allow(missing);
    this.d.logger.warn({ event: 'firewall.restored', count: missing.length }, `${missing.length} session(s) were missing from the firewall and were let through again`);
    return missing.length;
  }
}
