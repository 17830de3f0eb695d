// The Redis keys of the staff console, passes, public workstations and kiosk queues (the
// sessions', usage's, statistics' and settings' keys are in keys.ts, which re-exports these).
// Every key starts with the store's prefix.
// Staff console:
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
// Public workstations; a workstation's keys share the tag {ws:<name>}:
//   {ws:<name>}:rec                 HASH the workstation record      no expiry; retired: RETIRED_KEEP_MS
//   {ws:<name>}:health              LIST JSON samples, newest first  trimmed to the history limit
//   {ws:<name>}:cmds                HASH command id → JSON command   COMMAND_KEEP_MS after the last queued
//   wstoken:<tokenHash>             "<name>"                         no expiry; retired: with the record
//   workstations                    ZSET name → record expiry        +inf while active
//   enrol:<codeHash>                JSON enrolment code              expires at the code's expiry
// Kiosk queues; a zone's queue is one key under its own tag {q:<zoneId>}:
//   {q:<zoneId>}:queue              HASH v → version, doc → JSON queue (tickets, holds, bookings)   expires at the day's end

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

// ---- Public workstations ----

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

// ---- Kiosk queues ----

/** A zone's queue: version and document in one hash, so one script changes it on Cluster too. */
export function queueKey(prefix: string, zoneId: string): string {
  return `${prefix}{q:${zoneId}}:queue`;
}
