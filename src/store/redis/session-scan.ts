// Walking the Redis sessions a page at a time (Store.scanSessions) and counting them per zone,
// from the per-gateway indexes alone: no KEYS, no reading of every record, no 100k-element reply.
import * as K from './keys';
import type { RedisClient } from './connection';
import { SESSION_GRACE_MS, compareSessions, parseCursor, sessionCursor, type ScanOptions, type SessionPage, type SessionRecord } from '../types';

/** What the index says of a session: enough to order it and to decide whether to read it. */
interface Stub {
  id: string;
  gatewayId: string;
  endsAt: number;
}

/** A gateway's index scores a session by its record's expiry (end + grace). */
const score = (endsAt: number): number => endsAt + SESSION_GRACE_MS;

export class RedisSessionScan {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly now: () => number,
  ) {}

  async scan(gatewayId: string | undefined, cursor: string | undefined, limit: number, opts: ScanOptions = {}): Promise<SessionPage> {
    const at = cursor === undefined ? undefined : parseCursor(cursor);
    if (cursor !== undefined && !at) throw new RangeError('not a session cursor');
    const down = opts.backward === true;
    const now = this.now();
    // Live = its record has not expired: end + grace is later than now.
    const min = Math.max(now - SESSION_GRACE_MS, opts.endingAfter ?? -Infinity);
    const gateways = gatewayId !== undefined ? [gatewayId] : await this.liveGateways(now);
    // Each gateway's first limit + 1 after the cursor hold the walk's first limit + 1 overall.
    const lists = await Promise.all(gateways.map((gw) => this.walkGateway(gw, at, limit + 1, down, min)));
    const merged = lists.flat().sort((a, b) => (down ? -1 : 1) * compareSessions(a, b));
    const more = merged.length > limit;
    const page = merged.slice(0, limit);
    const last = page[page.length - 1];
    if (down) page.reverse();
    const unread: string[] = [];
    const wanted: Stub[] = [];
    for (const s of page) {
      if (opts.read && !opts.read(s.id, s.endsAt)) unread.push(s.id);
      else wanted.push(s);
    }
    const records = await this.read(wanted);
    return { sessions: records, unread, ...(more && last ? { next: sessionCursor(last) } : {}) };
  }

  /** Running sessions per zone: ZCOUNT on each gateway's zone index, never the records. */
  async countByZone(zoneIds: readonly string[]): Promise<Record<string, number>> {
    const now = this.now();
    const gateways = await this.liveGateways(now);
    const counts = await Promise.all(
      zoneIds.map(async (z) => {
        const per = await Promise.all(gateways.map((gw) => this.client.zcount(K.gatewayZoneKey(this.prefix, gw, z), `(${score(now)}`, '+inf')));
        return [z, per.reduce((a, n) => a + n, 0)] as const;
      }),
    );
    return Object.fromEntries(counts);
  }

  /** Trims expired ids from a gateway's zone indexes (the sweep). */
  async sweepZones(gatewayId: string, now: number): Promise<void> {
    const zones = await this.client.smembers(K.gatewayZonesKey(this.prefix, gatewayId));
    await Promise.all(zones.map((z) => this.client.zremrangebyscore(K.gatewayZoneKey(this.prefix, gatewayId, z), '-inf', now)));
  }

  private liveGateways(now: number): Promise<string[]> {
    return this.client.zrangebyscore(K.gatewaysKey(this.prefix), `(${now}`, '+inf');
  }

  /**
   * Up to `n` of a gateway's sessions after (or, going down, before) the cursor, in walking
   * order. Ids with the same score come in id order, which is the walk's order within a gateway;
   * those at the cursor's own score that it has passed are skipped, a batch at a time.
   */
  private async walkGateway(gw: string, at: Stub | undefined, n: number, down: boolean, min: number): Promise<Stub[]> {
    const key = K.gatewaySessionsKey(this.prefix, gw);
    const floor = `(${score(min)}`;
    const fromCursor = at && (down || at.endsAt > min) ? String(score(at.endsAt)) : undefined;
    const out: Stub[] = [];
    for (let offset = 0; ; ) {
      const flat = down
        ? await this.client.zrevrangebyscore(key, fromCursor ?? '+inf', floor, 'WITHSCORES', 'LIMIT', offset, n)
        : await this.client.zrangebyscore(key, fromCursor ?? floor, '+inf', 'WITHSCORES', 'LIMIT', offset, n);
      for (let i = 0; i < flat.length; i += 2) {
        const s = { id: flat[i]!, gatewayId: gw, endsAt: Number(flat[i + 1]) - SESSION_GRACE_MS };
        const c = at ? compareSessions(s, at) : down ? -1 : 1;
        if ((down ? c < 0 : c > 0) && s.endsAt > min) out.push(s);
      }
      if (out.length >= n || flat.length < 2 * n) return out.slice(0, n);
      offset += flat.length / 2;
    }
  }

  /** The records of these sessions, one MGET per gateway (its keys share a slot), in order. */
  private async read(stubs: Stub[]): Promise<SessionRecord[]> {
    const byGateway = new Map<string, Stub[]>();
    for (const s of stubs) {
      const list = byGateway.get(s.gatewayId);
      if (list) list.push(s);
      else byGateway.set(s.gatewayId, [s]);
    }
    const found = new Map<string, SessionRecord>();
    await Promise.all(
      [...byGateway].map(async ([gw, list]) => {
        const raws = await this.client.mget(list.map((s) => K.sessionKey(this.prefix, gw, s.id)));
        for (const raw of raws) {
          if (!raw) continue;
          const r = JSON.parse(raw) as SessionRecord;
          found.set(r.id, r);
        }
      }),
    );
    return stubs.flatMap((s) => found.get(s.id) ?? []);
  }
}
