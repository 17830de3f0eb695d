// Walking the Redis sessions a page at a time (Store.scanSessions) and counting them per zone,
// from the per-gateway indexes of each shard alone: no KEYS, no reading of every record, no
// 100k-element reply.
import * as K from './keys';
import { retryTransient } from './transient';
import { INDEX_PAGE, runScript } from './scripts';
import type { RedisClient } from './connection';
import { SESSION_GRACE_MS, compareSessions, parseCursor, sessionCursor, type ScanOptions, type SessionPage, type SessionRecord, type SweepOptions } from '../types';
import { trimExpired } from './expired-trim';
import { readRecords } from './record-reads';

/**
 * What the index says of a session: enough to order it and to decide whether to read it.
 * A class, not an object literal: V8 tracks each literal's allocation site and, once a page's
 * stubs were all found alive at a scavenge (they wait for the other shards' replies), allocates
 * every later stub of that site straight in the old generation ("pretenuring"), where each keeps
 * its reply strings alive until a full collection. A reconcile pass of 100,000 sessions then
 * promoted about 37 MB; instances of a class have no allocation site and die young.
 */
class Stub {
  constructor(
    readonly id: string,
    readonly gatewayId: string,
    readonly shard: number,
    readonly endsAt: number,
  ) {}
}

/** A place in the walk (a cursor read back): no shard. */
type Cursor = Pick<Stub, 'id' | 'gatewayId' | 'endsAt'>;

/** One gateway's index in one shard. */
interface Place {
  gatewayId: string;
  shard: number;
}

/** A gateway's index scores a session by its record's expiry (end + grace). */
const score = (endsAt: number): number => endsAt + SESSION_GRACE_MS;

export class RedisSessionScan {
  constructor(
    /** The store's client now (it may be replaced): read for each command. */
    private readonly clientNow: () => RedisClient,
    private readonly prefix: string,
    private readonly now: () => number,
  ) {}

  private get client(): RedisClient {
    return this.clientNow();
  }

  async scan(gatewayId: string | undefined, cursor: string | undefined, limit: number, opts: ScanOptions = {}): Promise<SessionPage> {
    const at = cursor === undefined ? undefined : parseCursor(cursor);
    if (cursor !== undefined && !at) throw new RangeError('not a session cursor');
    const down = opts.backward === true;
    const now = this.now();
    // Live = its record has not expired: end + grace is later than now.
    const min = Math.max(now - SESSION_GRACE_MS, opts.endingAfter ?? -Infinity);
    const gateways = gatewayId !== undefined ? [gatewayId] : await this.liveGateways(now);
    const places = gateways.flatMap((gw) => K.ALL_SHARDS.map((shard) => ({ gatewayId: gw, shard })));
    const merged = await this.merge(places, at, limit + 1, down, min);
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

  /** Running sessions per zone: ZCOUNT on each gateway's zone index in each shard, never the records. */
  async countByZone(zoneIds: readonly string[]): Promise<Record<string, number>> {
    const now = this.now();
    const gateways = await this.liveGateways(now);
    const counts = await Promise.all(
      zoneIds.map(async (z) => {
        const keys = gateways.flatMap((gw) => K.ALL_SHARDS.map((n) => K.gatewayZoneKey(this.prefix, n, gw, z)));
        const per = await Promise.all(keys.map((key) => retryTransient(() => this.client.zcount(key, `(${score(now)}`, '+inf'))));
        return [z, per.reduce((a, n) => a + n, 0)] as const;
      }),
    );
    return Object.fromEntries(counts);
  }

  /** Trims expired ids from a gateway's indexes in every shard (the sweep), a bounded batch per script. */
  async sweepGateway(gatewayId: string, now: number, opts: SweepOptions = {}): Promise<void> {
    const p = this.prefix;
    await Promise.all(
      K.ALL_SHARDS.map(async (n) => {
        await trimExpired(this.client, K.gatewaySessionsKey(p, n, gatewayId), now, 'session index', opts);
        const zones = await retryTransient(() => this.client.smembers(K.gatewayZonesKey(p, n, gatewayId)));
        await Promise.all(zones.map((z) => trimExpired(this.client, K.gatewayZoneKey(p, n, gatewayId, z), now, 'zone index', opts)));
      }),
    );
  }

  /** The gateways with a session whose record has not expired. */
  liveGateways(now: number): Promise<string[]> {
    return retryTransient(() => this.client.zrangebyscore(K.gatewaysKey(this.prefix), `(${now}`, '+inf'));
  }

  /**
   * The first `n` sessions of all these indexes after the cursor, in walking order. Each index
   * is asked first for about its share (twice the even split); only an index whose share ran out
   * before the n-th session overall is asked again for n, so a page reads about 2n stubs, not
   * n per index.
   */
  private async merge(places: Place[], at: Cursor | undefined, n: number, down: boolean, min: number): Promise<Stub[]> {
    const order = (a: Stub, b: Stub) => (down ? -1 : 1) * compareSessions(a, b);
    const share = Math.min(n, Math.ceil((2 * n) / Math.max(1, places.length)) + 4);
    const lists = await Promise.all(places.map((pl) => this.walkIndex(pl, at, share, down, min)));
    const sorted = lists.flat().sort(order);
    const cut = sorted[n - 1];
    const short = places.map((_, i) => i).filter((i) => lists[i]!.length === share && share < n && (!cut || order(lists[i]![share - 1]!, cut) < 0));
    // Nearly always: every index gave enough, and the page is what was sorted already.
    if (short.length === 0) return sorted.slice(0, n);
    const more = await Promise.all(short.map((i) => this.walkIndex(places[i]!, at, n, down, min)));
    short.forEach((i, k) => (lists[i] = more[k]!));
    return lists.flat().sort(order).slice(0, n);
  }

  /**
   * Up to `n` of a gateway's sessions after (or, going down, before) the cursor, in walking
   * order. Ids with the same score come in id order, which is the walk's order within a gateway;
   * those at the cursor's own score that it has passed are skipped, a batch at a time.
   */
  private async walkIndex(place: Place, at: Cursor | undefined, n: number, down: boolean, min: number): Promise<Stub[]> {
    const gw = place.gatewayId;
    const key = K.gatewaySessionsKey(this.prefix, place.shard, gw);
    const floor = `(${score(min)}`;
    const fromCursor = at && (down || at.endsAt > min) ? String(score(at.endsAt)) : undefined;
    const out: Stub[] = [];
    for (let offset = 0; ; ) {
      const args = down ? ['down', fromCursor ?? '+inf', floor] : ['up', fromCursor ?? floor, '+inf'];
      const text = (await runScript(this.client, INDEX_PAGE, [key], [...args, offset, n])) as string;
      // Ids and scores, one a line (ids are never empty: an empty text is an empty page).
      const flat = text === '' ? [] : text.split('\n');
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const s = new Stub(flat[i]!, gw, place.shard, Number(flat[i + 1]) - SESSION_GRACE_MS);
        const c = at ? compareSessions(s, at) : down ? -1 : 1;
        if ((down ? c < 0 : c > 0) && s.endsAt > min) out.push(s);
      }
      if (out.length >= n || flat.length < 2 * n) return out.slice(0, n);
      offset += flat.length / 2;
    }
  }

  /** The records of these sessions, one MGET per shard (its keys share a slot), in order. */
  async read(stubs: readonly Pick<Stub, 'id' | 'shard'>[]): Promise<SessionRecord[]> {
    const found = await readRecords(this.clientNow, this.prefix, stubs);
    return stubs.flatMap((s) => found.get(s.id) ?? []);
  }
}
