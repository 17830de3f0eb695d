// The SQLite store's prepared statements, and the shape of the rows they read.
import type Database from 'better-sqlite3';
import { SESSION_GRACE_MS, STAT_COUNTERS, type GrantCharge, type GrantCheck, type GrantConflict, type SealedChange, type SessionRecord } from '../types';
import { column } from './migrations';
import { ExpiredRows, limitedDelete, type ExpiringTable } from './chunked-delete';

/** The session tables' expiring rows, each found by its expires_at index. */
const EXPIRING: readonly ExpiringTable[] = [
  { table: 'sessions', indexed: true },
  { table: 'daily_usage', indexed: true, key: 'day, pseudonym' },
  { table: 'hourly_stats', indexed: true, key: 'zone_id, hour' },
];

export interface SessionRow {
  id: string;
  code: string;
  gateway_id: string;
  zone_id: string;
  day: string;
  pseudonym: string;
  sealed_address: string;
  started_at: number;
  ends_at: number;
  last_activity_at: number;
  via: SessionRecord['via'];
}

export type StatsRow = { zone_id: string; hour: number; peak: number } & Record<string, number | string>;

export function prepare(db: Database.Database) {
  const cols = STAT_COUNTERS.map(column);
  // On an expired, not yet swept row, counting starts again from zero (as Redis would).
  const live = (col: string, add: string) =>
    `${col} = CASE WHEN hourly_stats.expires_at > @now THEN ${add} ELSE excluded.${col} END`;
  const keepLatestExpiry = 'expires_at = MAX(hourly_stats.expires_at, excluded.expires_at)';
  const liveSessions = 'SELECT * FROM sessions WHERE expires_at > @now';
  // A chunk at a time (chunked-delete.ts); daily_usage and hourly_stats have no rowid, so by key.
  const expiring = EXPIRING.map((t) => new ExpiredRows(db, t));
  const purgeUsage = limitedDelete(db, 'daily_usage', 'day = ?', 'day, pseudonym');
  // One gateway's sessions of the day, or every gateway's when @gw is null.
  const purgeSessions = db.prepare<{ day: string; gw: string | null; n: number }>(
    'DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE day = @day AND (@gw IS NULL OR gateway_id = @gw) LIMIT @n)',
  );
  // Compare-and-set: only the record that was read is changed.
  const replaceSealed = db.prepare<{ id: string; expected: string; next: string; now: number }>(
    'UPDATE sessions SET sealed_address = @next WHERE id = @id AND sealed_address = @expected AND expires_at > @now',
  );
  const st = {
    putSession: db.prepare(
      `INSERT INTO sessions VALUES (@id, @code, @gatewayId, @zoneId, @day, @pseudonym, @sealedAddress,
         @startedAt, @endsAt, @lastActivityAt, @via, @expiresAt)
       ON CONFLICT (id) DO UPDATE SET code = excluded.code, gateway_id = excluded.gateway_id,
         zone_id = excluded.zone_id, day = excluded.day, pseudonym = excluded.pseudonym,
         sealed_address = excluded.sealed_address, started_at = excluded.started_at, ends_at = excluded.ends_at,
         last_activity_at = excluded.last_activity_at, via = excluded.via, expires_at = excluded.expires_at`,
    ),
    getSession: db.prepare<{ id: string; now: number }, SessionRow>(`${liveSessions} AND id = @id`),
    hasSession: db.prepare<{ id: string }, { one: number }>('SELECT 1 AS one FROM sessions WHERE id = @id'),
    findByCode: db.prepare<{ code: string; now: number }, SessionRow>(
      `${liveSessions} AND code = @code ORDER BY started_at DESC LIMIT 1`,
    ),
    listAll: db.prepare<{ now: number }, SessionRow>(`${liveSessions} ORDER BY started_at, id`),
    listGateway: db.prepare<{ gatewayId: string; now: number }, SessionRow>(
      `${liveSessions} AND gateway_id = @gatewayId ORDER BY started_at, id`,
    ),
    deleteSession: db.prepare<{ id: string }, { expires_at: number }>(
      'DELETE FROM sessions WHERE id = @id RETURNING expires_at',
    ),
    // Compare-and-set on ends_at: the change applies only to the record the caller decided on.
    setSessionEnd: db.prepare<Record<string, string | number>, SessionRow>(
      `UPDATE sessions SET ends_at = @endsAt, expires_at = @expiresAt
       WHERE id = @id AND ends_at = @expected AND expires_at > @now RETURNING *`,
    ),
    takeSession: db.prepare<Record<string, string | number>, SessionRow>(
      'DELETE FROM sessions WHERE id = @id AND ends_at = @expected AND expires_at > @now RETURNING *',
    ),
    addUsage: db.prepare<Record<string, string | number>, { seconds: number }>(
      `INSERT INTO daily_usage VALUES (@day, @pseudonym, @delta, @expiresAt)
       ON CONFLICT (day, pseudonym) DO UPDATE SET
         seconds = CASE WHEN daily_usage.expires_at > @now THEN daily_usage.seconds + excluded.seconds ELSE excluded.seconds END,
         expires_at = excluded.expires_at
       RETURNING seconds`,
    ),
    getUsage: db.prepare<Record<string, string | number>, { seconds: number }>(
      'SELECT seconds FROM daily_usage WHERE day = @day AND pseudonym = @pseudonym AND expires_at > @now',
    ),
    getPolicy: db.prepare<[string], { policy: string }>('SELECT policy FROM policies WHERE zone_id = ?'),
    setPolicy: db.prepare(
      `INSERT INTO policies VALUES (@zoneId, @policy, @now)
       ON CONFLICT (zone_id) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at`,
    ),
    getLibrarySetting: db.prepare<[string], { value: string }>('SELECT value FROM library_settings WHERE name = ?'),
    setLibrarySetting: db.prepare(
      `INSERT INTO library_settings VALUES (@name, @value, @now)
       ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    ),
    clearLibrarySetting: db.prepare<[string]>('DELETE FROM library_settings WHERE name = ?'),
    bumpStats: db.prepare(
      `INSERT INTO hourly_stats (zone_id, hour, expires_at, ${cols.join(', ')})
       VALUES (@zoneId, @hour, @expiresAt, ${STAT_COUNTERS.map((c) => `@${c}`).join(', ')})
       ON CONFLICT (zone_id, hour) DO UPDATE SET
         ${cols.map((c) => live(c, `hourly_stats.${c} + excluded.${c}`)).join(', ')},
         peak = CASE WHEN hourly_stats.expires_at > @now THEN hourly_stats.peak ELSE 0 END, ${keepLatestExpiry}`,
    ),
    raisePeak: db.prepare(
      `INSERT INTO hourly_stats (zone_id, hour, expires_at, peak) VALUES (@zoneId, @hour, @expiresAt, @value)
       ON CONFLICT (zone_id, hour) DO UPDATE SET
         ${cols.map((c) => live(c, `hourly_stats.${c}`)).join(', ')},
         ${live('peak', 'MAX(hourly_stats.peak, excluded.peak)')}, ${keepLatestExpiry}`,
    ),
    readStats: db.prepare<Record<string, number>, StatsRow>(
      'SELECT * FROM hourly_stats WHERE hour >= @from AND hour < @to AND expires_at > @now ORDER BY hour, zone_id',
    ),
    readZoneStats: db.prepare<Record<string, number | string>, StatsRow>(
      `SELECT * FROM hourly_stats WHERE zone_id = @zoneId AND hour >= @from AND hour < @to AND expires_at > @now
       ORDER BY hour`,
    ),
    expiring,
    purgeUsage,
    purgeSessions,
    replaceSealedMany: db.transaction((changes: readonly SealedChange[], now: number) =>
      changes.map((c) => replaceSealed.run({ id: c.session.id, expected: c.session.sealedAddress, next: c.next, now }).changes === 1),
    ),
    ...scanStatements(db),
  };
  return {
    ...st,
    // A session's end moved or the session taken, and its device's usage changed with it: both or neither.
    withUsage: db.transaction((change: () => SessionRow | undefined, usage: Record<string, string | number> | undefined): SessionRow | undefined => {
      const row = change();
      if (row && usage) st.addUsage.get(usage);
      return row;
    }),
    // A grant: the session and its charge together; a session id seen before is not charged again.
    // With a check, a changed usage total or a code held by another live session writes nothing.
    grant: db.transaction((row: Record<string, string | number>, charge: GrantCharge, now: number, check?: GrantCheck): boolean | GrantConflict => {
      if (st.hasSession.get({ id: String(row.id) })) return false;
      if (check) {
        const used = st.getUsage.get({ day: row.day!, pseudonym: row.pseudonym!, now })?.seconds ?? 0;
        if (!sameTotal(used, check.usedSeconds)) return { conflict: 'usage', usedSeconds: used };
        if (st.findByCode.get({ code: String(row.code), now })) return { conflict: 'code' };
      }
      st.putSession.run(row);
      st.addUsage.get({ day: row.day!, pseudonym: row.pseudonym!, delta: charge.seconds, expiresAt: charge.expiresAt, now });
      return true;
    }),
  };
}

/** Usage totals are sums of seconds (refunds may be fractional): equal within a microsecond. */
export function sameTotal(a: number, b: number): boolean {
  return Math.abs(a - b) < 1e-6;
}

/** The statements of scanSessions and countSessionsByZone (keyset pagination on the walk indexes). */
export function scanStatements(db: Database.Database) {
  type Stub = { id: string; gateway_id: string; ends_at: number };
  type Args = Record<string, string | number>;
  // The bounds on ends_at are what the index range is built from (the row-value comparison
  // only filters the ties at the cursor's end): forward from @lo, backward from @hi down to @min.
  const stub = 'SELECT id, gateway_id, ends_at FROM sessions WHERE';
  const up = 'ends_at >= @lo';
  const down = 'ends_at > @min AND ends_at <= @hi';
  return {
    scanGatewayUp: db.prepare<Args, Stub>(`${stub} ${up} AND gateway_id = @gw AND (ends_at, id) > (@e, @i) ORDER BY ends_at, id LIMIT @n`),
    scanGatewayDown: db.prepare<Args, Stub>(`${stub} ${down} AND gateway_id = @gw AND (ends_at, id) < (@e, @i) ORDER BY ends_at DESC, id DESC LIMIT @n`),
    scanAllUp: db.prepare<Args, Stub>(`${stub} ${up} AND (ends_at, gateway_id, id) > (@e, @g, @i) ORDER BY ends_at, gateway_id, id LIMIT @n`),
    scanAllDown: db.prepare<Args, Stub>(`${stub} ${down} AND (ends_at, gateway_id, id) < (@e, @g, @i) ORDER BY ends_at DESC, gateway_id DESC, id DESC LIMIT @n`),
    readMany: db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE id IN (SELECT value FROM json_each(?))'),
    // A count on the (zone_id, ends_at) index: no row is read.
    countInZone: db.prepare<[string, number], { n: number }>('SELECT COUNT(*) AS n FROM sessions WHERE zone_id = ? AND ends_at > ?'),
  };
}

/** A session's columns as named parameters, with its expiry. */
export function sessionParams(s: SessionRecord): Record<string, string | number> {
  const { id, code, gatewayId, zoneId, day, pseudonym, sealedAddress, startedAt, endsAt, lastActivityAt, via } = s;
  return { id, code, gatewayId, zoneId, day, pseudonym, sealedAddress, startedAt, endsAt, lastActivityAt, via, expiresAt: endsAt + SESSION_GRACE_MS };
}

export function toSession(r: SessionRow | undefined): SessionRecord | undefined {
  if (!r) return undefined;
  return {
    id: r.id,
    code: r.code,
    gatewayId: r.gateway_id,
    zoneId: r.zone_id,
    day: r.day,
    pseudonym: r.pseudonym,
    sealedAddress: r.sealed_address,
    startedAt: r.started_at,
    endsAt: r.ends_at,
    lastActivityAt: r.last_activity_at,
    via: r.via,
  };
}
