// Hourly counters per zone in Redis: every row and the index of rows under {stats}, a retried
// update counted once by its operation marker.
import type { Clock } from '../../domain/clock';
import { STAT_COUNTERS, emptyCounts, type HourlyStats, type StatCounter } from '../types';
import type { RedisClient } from './connection';
import * as K from './keys';
import { BUMP_STATS, RAISE_PEAK, runScript } from './scripts';
import { finite } from '../finite';
import { exec } from './tx';

export class RedisStats {
  constructor(
    /** The store's client now (it may be replaced): read for each command. */
    private readonly clientNow: () => RedisClient,
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  private get client(): RedisClient {
    return this.clientNow();
  }

  async bump(zoneId: string, hour: number, counts: Partial<Record<StatCounter, number>>, expiresAt: number, opId?: string): Promise<void> {
    const p = this.prefix;
    const keys = [K.statsRowKey(p, zoneId, hour), K.statsIndexKey(p), ...(opId ? [K.statsOpKey(p, opId)] : [])];
    const ttl = K.ttlMs(expiresAt, this.clock.now());
    // Only the counters that change: readStats fills the others with zeros.
    const pairs = STAT_COUNTERS.filter((c) => counts[c]).flatMap((c) => [c, finite(counts[c] ?? 0, c)]);
    const args = [ttl, hour, K.statsMember(zoneId, hour), K.STATS_OP_KEEP_MS, ...pairs];
    await runScript(this.client, BUMP_STATS, keys, args);
  }

  async raisePeak(zoneId: string, hour: number, value: number, expiresAt: number): Promise<void> {
    const keys = [K.statsRowKey(this.prefix, zoneId, hour), K.statsIndexKey(this.prefix)];
    const ttl = K.ttlMs(expiresAt, this.clock.now());
    const args = [K.PEAK_FIELD, finite(value, 'value'), ttl, hour, K.statsMember(zoneId, hour)];
    await runScript(this.client, RAISE_PEAK, keys, args);
  }

  async read(from: number, to: number, zoneId?: string): Promise<HourlyStats[]> {
    const index = K.statsIndexKey(this.prefix);
    const rows = (await this.client.zrangebyscore(index, from, `(${to}`))
      .map((m) => ({ member: m, row: K.parseStatsMember(m) }))
      .filter((r) => r.row !== undefined && (zoneId === undefined || r.row.zoneId === zoneId));
    if (rows.length === 0) return [];
    const pipe = this.client.pipeline();
    for (const r of rows) pipe.hgetall(K.statsRowKey(this.prefix, r.row!.zoneId, r.row!.hour));
    const hashes = await exec(pipe);
    const out: HourlyStats[] = [];
    const stale: string[] = [];
    rows.forEach((r, i) => {
      const h = (hashes[i] ?? {}) as Record<string, string>;
      if (Object.keys(h).length === 0) return void stale.push(r.member);
      const counts = emptyCounts();
      for (const c of STAT_COUNTERS) counts[c] = Number(h[c] ?? 0);
      out.push({ zoneId: r.row!.zoneId, hour: r.row!.hour, counts, peakConcurrent: Number(h[K.PEAK_FIELD] ?? 0) });
    });
    if (stale.length > 0) await this.client.zrem(index, ...stale);
    return out.sort((a, b) => a.hour - b.hour || (a.zoneId < b.zoneId ? -1 : a.zoneId > b.zoneId ? 1 : 0));
  }

  /** Drops index members of expired stats rows, oldest first, stopping at the first live one. */
  async sweepIndex(): Promise<void> {
    const index = K.statsIndexKey(this.prefix);
    for (;;) {
      const members = await this.client.zrange(index, '0', '99');
      const pipe = this.client.pipeline();
      for (const m of members) {
        const r = K.parseStatsMember(m);
        pipe.exists(r ? K.statsRowKey(this.prefix, r.zoneId, r.hour) : index);
      }
      const exists = members.length > 0 ? await exec(pipe) : [];
      const firstLive = exists.findIndex((e) => e === 1);
      const stale = members.slice(0, firstLive < 0 ? members.length : firstLive);
      if (stale.length > 0) await this.client.zrem(index, ...stale);
      if (firstLive >= 0 || members.length < 100) return;
    }
  }
}
