// Every Redis key and expiry Threshold uses, built in this one module.
//
// Keys that change together in one MULTI share a hash tag (`{...}`), so they live in one slot
// and the same code runs on Redis Cluster:
//   {gw:<gatewayId>}:session:<id>   JSON session record              expires endsAt + grace
//   {gw:<gatewayId>}:sessions       ZSET id → record expiry          expires with its last session
//   {gw:<gatewayId>}:grants         ZSET ids of grants written → expiry (a replay is a no-op)  likewise
//   {gw:<gatewayId>}:zone:<zoneId>  ZSET id → record expiry          expires with its last session
//   {gw:<gatewayId>}:zones          SET zone ids with a zone index   expires with its last session
//   {gw:<gatewayId>}:probe          time of the last write probe     expires after PROBE_TTL_MS (in the gateway's slot, for /readyz)
//   {stats}:row:<zoneId>:<hour>     HASH counters + peak             expires at the retention given
//   {stats}:hours                   ZSET "<zoneId>:<hour>" → hour    expires with its last row
//   {stats}:op:<opId>               "1": this counter update counted  expires after STATS_OP_KEEP_MS
//   {cfg}:policy:<zoneId>           JSON policy                      never expires
// Single keys, each in a slot of its own (never part of a MULTI):
//   sid:<id>                        "<gatewayId>"                    expires with the session
//   code:<code>                     "<gatewayId>:<id>"               expires with the session
//   gateways                        ZSET gatewayId → last expiry     expires with its last session
//   usage:<day>:<pseudonym>         HASH t → seconds used, g:<session id> → seconds charged by that grant
//                                   (a string total from older versions is converted)   expires at the expiry given
// Staff console (see the section at the end of this file):
//   {staff}:account:<username>      JSON staff account               never expires
//   {staff}:accounts                SET user names                   never expires
//   {staff}:session:<tokenHash>     JSON console session             expires after inactivity
//   {staff}:sessions-of:<username>  SET token hashes of a user       expires with its last session
//   {staff}:failures:<username>     failed sign-ins (integer)        expires at the lockout window
//   {staff}:audit                   ZSET JSON entry → time           expires with its last entry
//   {cfg}:secret:<name>             shared secret (pass-code HMAC)   never expires
//   {passes}:pass:<hash>            HASH batch, minutes, validUntil, state   expires with its batch
//   {passes}:batch:<id>             JSON pass batch                  expires at the expiry given
//   {passes}:batch:<id>:hashes      SET code hashes of a batch       expires with its batch
//   {passes}:batches                ZSET batch id → expiry           expires with its last batch
//   rl:<name>:<key>                 rate-limit-redis counters        expire with their window
// Public workstations (issue 5); a workstation's keys share the tag {ws:<name>}:
//   {ws:<name>}:rec                 HASH the workstation record      no expiry; retired: RETIRED_KEEP_MS
//   {ws:<name>}:health              LIST JSON samples, newest first  trimmed to the history limit
//   {ws:<name>}:cmds                HASH command id → JSON command   COMMAND_KEEP_MS after the last queued
//   wstoken:<tokenHash>             "<name>"                         no expiry; retired: with the record
//   workstations                    ZSET name → record expiry        +inf while active
//   enrol:<codeHash>                JSON enrolment code              expires at the code's expiry
import { SESSION_GRACE_MS, type SessionRecord } from '../types';

/** The prefix in front of every key unless one is given (tests give a unique one). */
export const DEFAULT_PREFIX = 'th:';

/** Checks a prefix: braces would start a hash tag and break slot placement. */
export function checkPrefix(prefix: string): string {
  if (/[{}]/.test(prefix)) throw new Error(`Redis key prefix must not contain "{" or "}": ${prefix}`);
  return prefix;
}

/** The hash tag shared by the keys of one gateway's sessions. */
function gwTag(gatewayId: string): string {
  return `{gw:${gatewayId}}`;
}

export function sessionKey(prefix: string, gatewayId: string, id: string): string {
  return `${prefix}${gwTag(gatewayId)}:session:${id}`;
}

export function gatewaySessionsKey(prefix: string, gatewayId: string): string {
  return `${prefix}${gwTag(gatewayId)}:sessions`;
}

/** The key `/readyz` writes: in this gateway's slot, so it fails exactly when the gateway's records would. */
export function gatewayProbeKey(prefix: string, gatewayId: string): string {
  return `${prefix}${gwTag(gatewayId)}:probe`;
}

/** How long a write probe's key lives. */
export const PROBE_TTL_MS = 60_000;

/** The ledger of grants written on a gateway: a replayed grant finds its id here and does nothing. */
export function gatewayGrantsKey(prefix: string, gatewayId: string): string {
  return `${prefix}${gwTag(gatewayId)}:grants`;
}

/** The index of a gateway's sessions in one zone (counted by the staff console). */
export function gatewayZoneKey(prefix: string, gatewayId: string, zoneId: string): string {
  return `${prefix}${gwTag(gatewayId)}:zone:${zoneId}`;
}

/** The zones a gateway has a zone index for (so the sweep can trim them). */
export function gatewayZonesKey(prefix: string, gatewayId: string): string {
  return `${prefix}${gwTag(gatewayId)}:zones`;
}

export function sessionIdKey(prefix: string, id: string): string {
  return `${prefix}sid:${id}`;
}

export function codeKey(prefix: string, code: string): string {
  return `${prefix}code:${code}`;
}

/** The value of a code key: which gateway's session, and which session. */
export function codeValue(gatewayId: string, id: string): string {
  return `${gatewayId}:${id}`;
}

/** Reads a code key's value back; gateway ids never contain ':'. */
export function parseCodeValue(value: string): { gatewayId: string; id: string } | undefined {
  const at = value.indexOf(':');
  if (at <= 0) return undefined;
  return { gatewayId: value.slice(0, at), id: value.slice(at + 1) };
}

export function gatewaysKey(prefix: string): string {
  return `${prefix}gateways`;
}

export function usageKey(prefix: string, day: string, pseudonym: string): string {
  return `${prefix}usage:${day}:${pseudonym}`;
}

/** A SCAN pattern matching every usage key of a day. */
export function usageDayPattern(prefix: string, day: string): string {
  return `${globEscape(prefix)}usage:${globEscape(day)}:*`;
}

export function policyKey(prefix: string, zoneId: string): string {
  return `${prefix}{cfg}:policy:${zoneId}`;
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

// ---- Staff console ----

export function staffAccountKey(prefix: string, username: string): string {
  return `${prefix}{staff}:account:${username}`;
}

export function staffAccountsKey(prefix: string): string {
  return `${prefix}{staff}:accounts`;
}

export function consoleSessionKey(prefix: string, tokenHash: string): string {
  return `${prefix}{staff}:session:${tokenHash}`;
}

export function consoleSessionsOfKey(prefix: string, username: string): string {
  return `${prefix}{staff}:sessions-of:${username}`;
}

export function loginFailuresKey(prefix: string, username: string): string {
  return `${prefix}{staff}:failures:${username}`;
}

export function auditKey(prefix: string): string {
  return `${prefix}{staff}:audit`;
}

export function secretKey(prefix: string, name: string): string {
  return `${prefix}{cfg}:secret:${name}`;
}

export function passKey(prefix: string, hash: string): string {
  return `${prefix}{passes}:pass:${hash}`;
}

export function passBatchKey(prefix: string, batchId: string): string {
  return `${prefix}{passes}:batch:${batchId}`;
}

export function passBatchHashesKey(prefix: string, batchId: string): string {
  return `${prefix}{passes}:batch:${batchId}:hashes`;
}

export function passBatchesKey(prefix: string): string {
  return `${prefix}{passes}:batches`;
}

/** The prefix rate-limit-redis puts in front of its keys for one limiter. */
export function rateLimitPrefix(prefix: string, name: string): string {
  return `${prefix}rl:${name}:`;
}

// ---- Public workstations (issue 5) ----

/** The hash tag shared by one workstation's keys (names are [a-z0-9-], never braces). */
function wsTag(name: string): string {
  return `{ws:${name}}`;
}

export function workstationKey(prefix: string, name: string): string {
  return `${prefix}${wsTag(name)}:rec`;
}

export function workstationHealthKey(prefix: string, name: string): string {
  return `${prefix}${wsTag(name)}:health`;
}

export function workstationCommandsKey(prefix: string, name: string): string {
  return `${prefix}${wsTag(name)}:cmds`;
}

export function workstationTokenKey(prefix: string, tokenHash: string): string {
  return `${prefix}wstoken:${tokenHash}`;
}

export function workstationsIndexKey(prefix: string): string {
  return `${prefix}workstations`;
}

export function enrolmentCodeKey(prefix: string, codeHash: string): string {
  return `${prefix}enrol:${codeHash}`;
}

/** The score of an active workstation in the index: it never expires. */
export const ACTIVE_SCORE = '+inf';
