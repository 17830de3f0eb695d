// Which errors mean the store could not be reached or could not write (Redis away or failing
// over, a full or locked SQLite file) rather than a bug: those are answered "one moment" (503).

/** Redis and ioredis messages of a store that is away, loading, failing over or read-only. */
const REDIS_FAULT =
  /^(Command timed out|Connection is closed|Stream isn't writeable|Reached the max retries per request limit|Failed to refresh slots cache|None of startup nodes is available|(LOADING|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS)\b)|\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH)\b/;
/** SQLite result codes of a disk that is full, locked or failing (not of a wrong statement). */
const SQLITE_FAULT = /^SQLITE_(FULL|BUSY|LOCKED|IOERR|READONLY|CANTOPEN|PROTOCOL)/;

/** True when `err` says the store is away or cannot write just now, so trying again later may work. */
export function isStoreFault(err: unknown): boolean {
  // Read by shape, not instanceof: errors made by native code or another realm are not this realm's Error.
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: unknown; code?: unknown; message?: unknown };
  if (e.name === 'MaxRetriesPerRequestError' || e.name === 'ClusterAllFailedError' || e.code === 'ENOSPC') return true;
  if (typeof e.code === 'string' && SQLITE_FAULT.test(e.code)) return true;
  return typeof e.message === 'string' && REDIS_FAULT.test(e.message);
}
