// Patron sessions in Redis: a grant in one script, lookups by id and code, compare-and-set
// changes, and the write probe of /readyz. Each session lives in its device's shard (keys.ts).
import { Cluster } from 'ioredis';
import { finite } from '../finite';
import type { Clock } from '../../domain/clock';
import type { GrantCharge, GrantCheck, GrantConflict, SessionRecord, UsageChange } from '../types';
import type { RedisClient } from './connection';
import * as K from './keys';
import { DEL_IF_EQUALS, GATEWAY_SEEN, GRANT, REPLACE_SEALED, SESSION_CAS, runScript } from './scripts';
import { sendNow, type Call } from './send-now';
import { retryTransient } from './transient';
import { exec, extendExpiry } from './tx';
import { readRecords } from './record-reads';

/** How often a compare-and-set is tried again when a field other than endsAt changed meanwhile. */
const CAS_TRIES = 5;

export class RedisSessions {
  constructor(
    /** The store's client now (it may be replaced): read for each command. */
    private readonly clientNow: () => RedisClient,
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  private get client(): RedisClient {
    return this.clientNow();
  }

  /**
   * One script in the device's shard charges the usage and writes the record, the ledger, the
   * indexes and the code (when the code is in that shard: `K.codeFits`), all or nothing; with a
   * `check` it first compares the stored usage total and the code's holder, and writes nothing
   * when either differs. The lookup by id and the gateways index (single keys of their own) go
   * out in the same round trip (one write, sent at once: send-now.ts), and go again when the script
   * refused. If a lookup fails after the script ran, the call rejects and a replay of the same
   * record completes it without charging twice.
   */
  async grant(s: SessionRecord, charge: GrantCharge, check?: GrantCheck): Promise<boolean | GrantConflict> {
    const p = this.prefix;
    const now = this.clock.now();
    const exp = K.sessionExpiresAt(s);
    const ttl = K.ttlMs(exp, now);
    finite(charge.seconds, 'seconds');
    if (check) finite(check.usedSeconds, 'usedSeconds');
    const shard = K.shardOf(s.pseudonym);
    const inShard = K.codeFits(s.code, s.pseudonym);
    if (check && !inShard) throw new RangeError("a checked grant's code must fit the device's shard (codeFits)");
    const gw = s.gatewayId;
    const keys = [
      K.sessionKey(p, shard, s.id),
      K.gatewaySessionsKey(p, shard, gw),
      K.gatewayGrantsKey(p, shard, gw),
      K.gatewayZoneKey(p, shard, gw, s.zoneId),
      K.gatewayZonesKey(p, shard, gw),
      K.usageKey(p, s.day, s.pseudonym),
      ...(inShard ? [K.codeKey(p, s.code)] : []),
    ];
    // Lookups of a session that has already ended must not come back: only while it runs.
    const live = s.endsAt > now;
    const codeValue = live && inShard ? K.codeValue(shard, gw, s.id) : '';
    const args = [JSON.stringify(s), ttl, exp, s.id, now, s.zoneId, charge.seconds, K.ttlMs(charge.expiresAt, now), codeValue, check ? check.usedSeconds : ''];
    const [reply] = await sendNow(this.client, [{ script: GRANT, keys, args }, ...(live ? this.lookupCalls(s, ttl, !inShard) : [])]);
    if (Array.isArray(reply)) {
      // Refused: the id key just written leads nowhere; the gateways index only ever lengthens.
      await retryTransient(() => this.client.del(K.sessionIdKey(p, s.id)));
      return reply[0] === 'usage' ? { conflict: 'usage', usedSeconds: Number(reply[1]) } : { conflict: 'code' };
    }
    const written = reply === 1;
    // A replay of a grant whose session was ended since: the lookups just written go again.
    if (!written && live && !(await this.get(s.id))) await this.dropLookups(s);
    return written;
  }

  async put(s: SessionRecord): Promise<void> {
    const p = this.prefix;
    const exp = K.sessionExpiresAt(s);
    const ttl = K.ttlMs(exp, this.clock.now());
    const shard = K.shardOf(s.pseudonym);
    const old = await this.get(s.id);
    const moved = old !== undefined && (old.gatewayId !== s.gatewayId || K.shardOf(old.pseudonym) !== shard);
    if (moved) await this.delete(s.id);
    const gw = s.gatewayId;
    const setKey = K.gatewaySessionsKey(p, shard, gw);
    const zoneKey = K.gatewayZoneKey(p, shard, gw, s.zoneId);
    const zonesKey = K.gatewayZonesKey(p, shard, gw);
    const write = () => {
      let tx = this.client
        .multi()
        .set(K.sessionKey(p, shard, s.id), JSON.stringify(s), 'PX', ttl)
        .zadd(setKey, exp, s.id)
        .zadd(zoneKey, exp, s.id)
        .sadd(zonesKey, s.zoneId);
      if (old && !moved && old.zoneId !== s.zoneId) tx = tx.zrem(K.gatewayZoneKey(p, shard, gw, old.zoneId), s.id);
      return exec(extendExpiry(extendExpiry(extendExpiry(tx, setKey, ttl), zoneKey, ttl), zonesKey, ttl));
    };
    await Promise.all([retryTransient(write), this.writeLookups(s, ttl)]);
    if (old && !moved && old.code !== s.code) await this.releaseCode(old);
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    const ref = await this.ref(id);
    return ref && this.read(ref);
  }

  /**
   * Many sessions at once, in order: their id keys in one MGET (one GET each on a Cluster, where
   * they sit in different slots), then their records one MGET per shard (record-reads.ts).
   */
  async getMany(ids: readonly string[]): Promise<(SessionRecord | undefined)[]> {
    if (!ids.length) return [];
    const idKeys = ids.map((id) => K.sessionIdKey(this.prefix, id));
    const values = this.client instanceof Cluster ? await Promise.all(idKeys.map((k) => retryTransient(() => this.client.get(k)))) : await retryTransient(() => this.client.mget(idKeys));
    const refs: K.SessionRef[] = [];
    for (let i = 0; i < ids.length; i++) {
      const ref = values[i] ? K.parseSessionIdValue(values[i]!, ids[i]!) : undefined;
      if (ref) refs.push(ref);
    }
    const found = refs.length ? await readRecords(this.clientNow, this.prefix, refs) : new Map<string, SessionRecord>();
    return ids.map((id) => found.get(id));
  }

  async findByCode(code: string): Promise<SessionRecord | undefined> {
    const value = await retryTransient(() => this.client.get(K.codeKey(this.prefix, code)));
    const ref = value ? K.parseCodeValue(value) : undefined;
    const s = ref && (await this.read(ref));
    return s?.code === code ? s : undefined;
  }

  async delete(id: string): Promise<boolean> {
    const p = this.prefix;
    const ref = await this.ref(id);
    const s = ref && (await this.read(ref));
    if (!ref || !s) {
      await retryTransient(() => this.client.del(K.sessionIdKey(p, id)));
      return false;
    }
    const tx = () =>
      exec(
        this.client
          .multi()
          .del(K.sessionKey(p, ref.shard, id))
          .zrem(K.gatewaySessionsKey(p, ref.shard, ref.gatewayId), id)
          .zrem(K.gatewayZoneKey(p, ref.shard, ref.gatewayId, s.zoneId), id),
      );
    const [results] = await Promise.all([retryTransient(tx), this.dropLookups(s)]);
    return results[0] === 1;
  }

  async setEnd(id: string, expectedEndsAt: number, endsAt: number, usage?: UsageChange): Promise<SessionRecord | undefined> {
    finite(endsAt, 'endsAt');
    const changed = await this.cas(id, expectedEndsAt, (s) => ({ ...s, endsAt }), usage);
    if (!changed) return undefined;
    // The single-slot keys only ever lengthen here: they outlive a shortened record harmlessly.
    const p = this.prefix;
    const exp = K.sessionExpiresAt(changed);
    const ttl = K.ttlMs(exp, this.clock.now());
    await Promise.all([
      retryTransient(() => this.client.pexpire(K.sessionIdKey(p, id), ttl, 'GT')),
      retryTransient(() => this.client.pexpire(K.codeKey(p, changed.code), ttl, 'GT')),
      retryTransient(() => exec(this.client.multi().zadd(K.gatewaysKey(p), 'GT', exp, changed.gatewayId).pexpire(K.gatewaysKey(p), ttl, 'GT'))),
    ]);
    return changed;
  }

  async take(id: string, expectedEndsAt: number, usage?: UsageChange): Promise<SessionRecord | undefined> {
    const taken = await this.cas(id, expectedEndsAt, () => undefined, usage);
    if (taken) await this.dropLookups(taken);
    return taken;
  }

  async replaceSealed(s: Pick<SessionRecord, 'id' | 'pseudonym' | 'sealedAddress'>, next: string): Promise<boolean> {
    const [done] = await this.replaceSealedMany([{ session: s, next }]);
    return done!;
  }

  /** One script per shard for the records in it (their keys share a slot), sent together. */
  async replaceSealedMany(changes: readonly { session: Pick<SessionRecord, 'id' | 'pseudonym' | 'sealedAddress'>; next: string }[]): Promise<boolean[]> {
    const byShard = new Map<number, number[]>();
    for (let i = 0; i < changes.length; i++) {
      const shard = K.shardOf(changes[i]!.session.pseudonym);
      const list = byShard.get(shard);
      if (list) list.push(i);
      else byShard.set(shard, [i]);
    }
    const done = new Array<boolean>(changes.length).fill(false);
    await Promise.all(
      [...byShard].map(async ([shard, list]) => {
        const keys = list.map((i) => K.sessionKey(this.prefix, shard, changes[i]!.session.id));
        const args = list.flatMap((i) => [changes[i]!.session.sealedAddress, changes[i]!.next]);
        const replies = (await runScript(this.client, REPLACE_SEALED, keys, args)) as number[];
        list.forEach((i, k) => (done[i] = replies[k] === 1));
      }),
    );
    return done;
  }

  /** Writes a key in each of the gateway's shard slots: fails when any of its records would. */
  async probe(gatewayId: string): Promise<void> {
    const at = String(this.clock.now());
    await Promise.all(K.ALL_SHARDS.map((n) => this.client.set(K.gatewayProbeKey(this.prefix, n, gatewayId), at, 'PX', K.PROBE_TTL_MS)));
  }

  /**
   * Replaces (or, when `next` gives undefined, deletes) a session record in one Lua script that
   * checks the record is still the one read, so no other change slips in between. Resolves the
   * record written (or the one deleted), or undefined when the session is gone or no longer ends
   * at `expectedEndsAt`. With `usage`, the device's usage changes in the same script.
   */
  private async cas(id: string, expectedEndsAt: number, next: (s: SessionRecord) => SessionRecord | undefined, usage?: UsageChange): Promise<SessionRecord | undefined> {
    finite(expectedEndsAt, 'expectedEndsAt');
    if (usage) finite(usage.deltaSeconds, 'deltaSeconds');
    const ref = await this.ref(id);
    if (!ref) return undefined;
    const p = this.prefix;
    const recordKey = K.sessionKey(p, ref.shard, id);
    for (let i = 0; i < CAS_TRIES; i++) {
      const raw = await retryTransient(() => this.client.get(recordKey));
      const current = parseSession(raw);
      if (!raw || !current || current.endsAt !== expectedEndsAt) return undefined;
      // The zone's index is scored like the gateway's, so a shortened or taken session stops counting.
      const keys = [recordKey, K.gatewaySessionsKey(p, ref.shard, ref.gatewayId), K.gatewayZoneKey(p, ref.shard, ref.gatewayId, current.zoneId)];
      const changed = next(current);
      const exp = changed ? K.sessionExpiresAt(changed) : 0;
      const args: (string | number)[] = [raw, changed ? JSON.stringify(changed) : '', K.ttlMs(exp, this.clock.now()), exp, id];
      // The usage key is in the device's shard, which is the session's.
      if (usage) {
        keys.push(K.usageKey(p, usage.day, usage.pseudonym));
        args.push(usage.deltaSeconds, K.ttlMs(usage.expiresAt, this.clock.now()));
      }
      if ((await runScript(this.client, SESSION_CAS, keys, args)) === 1) return changed ?? current;
    }
    return undefined;
  }

  /** Where a session is, from its id key. */
  private async ref(id: string): Promise<K.SessionRef | undefined> {
    const value = await retryTransient(() => this.client.get(K.sessionIdKey(this.prefix, id)));
    return value ? K.parseSessionIdValue(value, id) : undefined;
  }

  private async read(ref: K.SessionRef): Promise<SessionRecord | undefined> {
    return parseSession(await retryTransient(() => this.client.get(K.sessionKey(this.prefix, ref.shard, ref.id))));
  }

  /** The lookups by id, by code (unless a grant script writes it) and of live gateways, one command each. */
  private async writeLookups(s: SessionRecord, ttl: number, withCode = true): Promise<void> {
    await sendNow(this.client, this.lookupCalls(s, ttl, withCode));
  }

  private lookupCalls(s: SessionRecord, ttl: number, withCode: boolean): Call[] {
    const p = this.prefix;
    const shard = K.shardOf(s.pseudonym);
    return [
      { command: 'SET', args: [K.sessionIdKey(p, s.id), K.sessionIdValue(shard, s.gatewayId), 'PX', ttl] },
      ...(withCode ? [{ command: 'SET', args: [K.codeKey(p, s.code), K.codeValue(shard, s.gatewayId, s.id), 'PX', ttl] }] : []),
      { script: GATEWAY_SEEN, keys: [K.gatewaysKey(p)], args: [K.sessionExpiresAt(s), s.gatewayId, ttl] },
    ];
  }

  private async dropLookups(s: SessionRecord): Promise<void> {
    const value = K.codeValue(K.shardOf(s.pseudonym), s.gatewayId, s.id);
    await Promise.all([
      retryTransient(() => this.client.del(K.sessionIdKey(this.prefix, s.id))),
      runScript(this.client, DEL_IF_EQUALS, [K.codeKey(this.prefix, s.code)], [value]),
    ]);
  }

  private releaseCode(s: SessionRecord): Promise<unknown> {
    return runScript(this.client, DEL_IF_EQUALS, [K.codeKey(this.prefix, s.code)], [K.codeValue(K.shardOf(s.pseudonym), s.gatewayId, s.id)]);
  }
}

export function parseSession(raw: string | null | undefined): SessionRecord | undefined {
  return raw ? (JSON.parse(raw) as SessionRecord) : undefined;
}
