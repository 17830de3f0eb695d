// Every Redis key and expiry Threshold uses, built here and in console-keys.ts (re-exported).
//
// Keys that change together in one script or MULTI share a hash tag (`{...}`), so they live in
// one slot and the same code runs on Redis Cluster. A session and its device's usage of the day
// live in one of SHARDS shard slots, `{s:<n>}` with n chosen from the pseudonym (`shardOf`), so
// a grant is one script in one slot, and a gateway's keys are spread over SHARDS slots: a live
// reshard of one slot holds up only the grants that fall in it, and only while it moves.
//   {s:<n>}:session:<id>               JSON session record            expires endsAt + grace
//   {s:<n>}:gw:<gatewayId>:sessions    ZSET id → record expiry        expires with its last session
//   {s:<n>}:gw:<gatewayId>:grants      ZSET ids of grants written → expiry (a replay is a no-op)  likewise
//   {s:<n>}:gw:<gatewayId>:zone:<zone> ZSET id → record expiry        expires with its last session
//   {s:<n>}:gw:<gatewayId>:zones       SET zone ids with a zone index expires with its last session
//   {s:<n>}:gw:<gatewayId>:probe       time of the last write probe   expires after PROBE_TTL_MS (/readyz writes one per shard)
//   {s:<n>}:code:<code>                "<n>:<gatewayId>:<id>", n = shardOf(code) (= the device's: codeFits)   expires with the session
//   {s:<n>}:usage:<day>:<pseudonym>    HASH t → seconds used, g:<session id> → seconds charged by that grant
//                                      (a string total from older versions is converted)   expires at the expiry given
//   {stats}:row:<zoneId>:<hour>        HASH counters + peak           expires at the retention given
//   {stats}:hours                      ZSET "<zoneId>:<hour>" → hour  expires with its last row
//   {stats}:op:<opId>                  "1": this counter update counted  expires after STATS_OP_KEEP_MS
//   {cfg}:policy:<zoneId>              JSON policy                    never expires
//   {cfg}:library:<name>               a library setting (settings, logo; src/branding/)   never expires
//   {cfg}:layout                       the key layout's version (LAYOUT_VERSION)   never expires
//   {cfg}:layout-lock                  held by the gateway migrating the layout    expires after LAYOUT_LOCK_MS
// Single keys, each in a slot of its own (never part of a MULTI), sent with a grant's script:
//   sid:<id>                           "<n>:<gatewayId>"              expires with the session
//   gateways                           ZSET gatewayId → last expiry   expires with its last session
// The staff console's, passes', workstations' and kiosk queues' keys are in console-keys.ts.
import crypto from 'node:crypto';
import { SESSION_GRACE_MS, type SessionRecord } from '../types';

/** The prefix in front of every key unless one is given (tests give a unique one). */
export const DEFAULT_PREFIX = 'th:';

/** Checks a prefix: braces would start a hash tag and break slot placement. */
export function checkPrefix(prefix: string): string {
  if (/[{}]/.test(prefix)) throw new Error(`Redis key prefix must not contain "{" or "}": ${prefix}`);
  return prefix;
}

/** How many shard slots sessions and usage are spread over. Changing it needs a layout migration. */
export const SHARDS = 16;

/** The version of this key layout, kept in `layoutKey` (none: the single-slot layout before it). */
export const LAYOUT_VERSION = '3';

/** How long the layout migration's lock is held at most. */
export const LAYOUT_LOCK_MS = 120_000;

/** The shard of a device's day (its pseudonym): the same on every gateway and every version. */
export function shardOf(pseudonym: string): number {
  return crypto.createHash('sha1').update(pseudonym).digest().readUInt32BE(0) % SHARDS;
}

/** Every shard number, 0 to SHARDS - 1. */
export const ALL_SHARDS: readonly number[] = Array.from({ length: SHARDS }, (_, i) => i);

/** The hash tag of one shard (tests and the reshard drill find its slot with CLUSTER KEYSLOT). */
export function shardTag(shard: number): string {
  return `{s:${shard}}`;
}

export function sessionKey(prefix: string, shard: number, id: string): string {
  return `${prefix}${shardTag(shard)}:session:${id}`;
}

/** A gateway's keys within one shard. */
function gwIn(prefix: string, shard: number, gatewayId: string): string {
  return `${prefix}${shardTag(shard)}:gw:${gatewayId}`;
}

export function gatewaySessionsKey(prefix: string, shard: number, gatewayId: string): string {
  return `${gwIn(prefix, shard, gatewayId)}:sessions`;
}

/** A key `/readyz` writes, one per shard: together they fail exactly when some of the gateway's records would. */
export function gatewayProbeKey(prefix: string, shard: number, gatewayId: string): string {
  return `${gwIn(prefix, shard, gatewayId)}:probe`;
}

/** How long a write probe's key lives. */
export const PROBE_TTL_MS = 60_000;

/** The ledger of grants written on a gateway: a replayed grant finds its id here and does nothing. */
export function gatewayGrantsKey(prefix: string, shard: number, gatewayId: string): string {
  return `${gwIn(prefix, shard, gatewayId)}:grants`;
}

/** The index of a gateway's sessions in one zone (counted by the staff console). */
export function gatewayZoneKey(prefix: string, shard: number, gatewayId: string, zoneId: string): string {
  return `${gwIn(prefix, shard, gatewayId)}:zone:${zoneId}`;
}

/** The zones a gateway has a zone index for (so the sweep can trim them). */
export function gatewayZonesKey(prefix: string, shard: number, gatewayId: string): string {
  return `${gwIn(prefix, shard, gatewayId)}:zones`;
}

export function sessionIdKey(prefix: string, id: string): string {
  return `${prefix}sid:${id}`;
}

/** Where a session is: its shard and gateway (the value of its id key), and its id. */
export interface SessionRef {
  shard: number;
  gatewayId: string;
  id: string;
}

/** The value of a session's id key. */
export function sessionIdValue(shard: number, gatewayId: string): string {
  return `${shard}:${gatewayId}`;
}

/** Reads an id key's value back (gateway ids never contain ':'). */
export function parseSessionIdValue(value: string, id: string): SessionRef | undefined {
  const m = /^(\d{1,3}):([^:]+)$/.exec(value);
  return m && Number(m[1]) < SHARDS ? { shard: Number(m[1]), gatewayId: m[2]!, id } : undefined;
}

/**
 * A session code's key, in the shard slot the code itself hashes to. A patron's code is drawn
 * to fall in the device's shard (`codeFits`), so the grant script checks and takes it in the
 * same step as the record and the charge.
 */
export function codeKey(prefix: string, code: string): string {
  return `${prefix}${shardTag(shardOf(code))}:code:${code}`;
}

/** True when a code's key is in the shard slot of a device's day (its pseudonym). */
export function codeFits(code: string, pseudonym: string): boolean {
  return shardOf(code) === shardOf(pseudonym);
}

/** The value of a code key: which shard, gateway and session. */
export function codeValue(shard: number, gatewayId: string, id: string): string {
  return `${shard}:${gatewayId}:${id}`;
}

/** Reads a code key's value back. */
export function parseCodeValue(value: string): SessionRef | undefined {
  const m = /^(\d{1,3}):([^:]+):(.+)$/.exec(value);
  return m && Number(m[1]) < SHARDS ? { shard: Number(m[1]), gatewayId: m[2]!, id: m[3]! } : undefined;
}

export function gatewaysKey(prefix: string): string {
  return `${prefix}gateways`;
}

export function usageKey(prefix: string, day: string, pseudonym: string): string {
  return `${prefix}${shardTag(shardOf(pseudonym))}:usage:${day}:${pseudonym}`;
}

/** A SCAN pattern matching every usage key of a day, in every shard. */
export function usageDayPattern(prefix: string, day: string): string {
  return `${globEscape(prefix)}{s:*}:usage:${globEscape(day)}:*`;
}

export function layoutKey(prefix: string): string {
  return `${prefix}{cfg}:layout`;
}

export function layoutLockKey(prefix: string): string {
  return `${prefix}{cfg}:layout-lock`;
}

/** The keys of the layout before shards (no layout key), read once by the layout migration. */
export const OLD_LAYOUT = {
  sessions: (prefix: string, gatewayId: string) => `${prefix}{gw:${gatewayId}}:sessions`,
  gatewayPattern: (prefix: string, gatewayId: string) => `${globEscape(prefix)}{gw:${globEscape(gatewayId)}}:*`,
  session: (prefix: string, gatewayId: string, id: string) => `${prefix}{gw:${gatewayId}}:session:${id}`,
  usagePattern: (prefix: string) => `${globEscape(prefix)}usage:*`,
  /** Code keys of layout 2 and before, untagged (`code:<code>`), moved to their shard by layout 3. */
  codePattern: (prefix: string) => `${globEscape(prefix)}code:*`,
  /** The day and pseudonym of an old usage key, or undefined. */
  parseUsage: (prefix: string, key: string) => {
    const m = /^usage:(\d{4}-\d{2}-\d{2}):(.+)$/.exec(key.slice(prefix.length));
    return key.startsWith(prefix) && m ? { day: m[1]!, pseudonym: m[2]! } : undefined;
  },
};

export function policyKey(prefix: string, zoneId: string): string {
  return `${prefix}{cfg}:policy:${zoneId}`;
}

export function librarySettingKey(prefix: string, name: string): string {
  return `${prefix}{cfg}:library:${name}`;
}

export function statsRowKey(prefix: string, zoneId: string, hour: number): string {
  return `${prefix}{stats}:row:${zoneId}:${hour}`;
}

export function statsIndexKey(prefix: string): string {
  return `${prefix}{stats}:hours`;
}

/** The marker of one counter update, so a retried update counts once. */
export function statsOpKey(prefix: string, opId: string): string {
  return `${prefix}{stats}:op:${opId}`;
}

/** How long a counter update's marker is kept: retries come within seconds of the store's return. */
export const STATS_OP_KEEP_MS = 24 * 3_600_000;

/** The member of the stats index for one row. */
export function statsMember(zoneId: string, hour: number): string {
  return `${zoneId}:${hour}`;
}

/** Reads a stats index member back; the hour is after the last ':'. */
export function parseStatsMember(member: string): { zoneId: string; hour: number } | undefined {
  const at = member.lastIndexOf(':');
  const hour = Number(member.slice(at + 1));
  if (at <= 0 || !Number.isSafeInteger(hour)) return undefined;
  return { zoneId: member.slice(0, at), hour };
}

/** The hash field that holds an hour's peak of concurrent sessions. */
export const PEAK_FIELD = 'peak';

/** When a session record expires (epoch ms): its end plus the grace period. */
export function sessionExpiresAt(session: Pick<SessionRecord, 'endsAt'>): number {
  return session.endsAt + SESSION_GRACE_MS;
}

/**
 * The TTL (PX / PEXPIRE, whole ms, at least 1) of a record expiring at `expiresAt` when the
 * store's clock reads `now`. Relative TTLs keep an injected clock meaningful.
 */
export function ttlMs(expiresAt: number, now: number): number {
  return Math.max(1, Math.ceil(expiresAt - now));
}

/** A SCAN pattern matching every key under a prefix (used by tests to clean up). */
export function prefixPattern(prefix: string): string {
  return `${globEscape(prefix)}*`;
}

function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

// The staff console's, passes', workstations' and queues' keys.
export * from './console-keys';
