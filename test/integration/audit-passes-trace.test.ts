// The audit log and the pass records once sessions have ended: nothing in them can be matched
// to a session record or a device — no session code, no time finer than the minute, and a used
// pass says only that it was used (not by which session, nor when).
import path from 'node:path';
import Database from 'better-sqlite3';
import { SQLITE_FILE } from '../../src/store/registry';
import { AUDIT_TIME_PRECISION_MS } from '../../src/staff/audit-log';
import { makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { connectTestRedis, keysWithPrefix } from '../helpers/redis';
import { Patron } from '../helpers/test-deps';

const ZONE = { zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.89.1.0/24'], policy: { accessMode: 'pass' } }] };
const PATRONS = [
  { ip: '10.89.1.23', mac: 'a4:5e:60:d1:23:01' },
  { ip: '10.89.1.24', mac: 'a4:5e:60:d1:23:02' },
];

/** The raw audit and pass rows as the store holds them at rest. */
async function atRest(ctx: StaffContext, redis: boolean): Promise<{ audit: string[]; passes: Record<string, unknown>[] }> {
  if (!redis) {
    const db = new Database(path.join(ctx.dataDir, SQLITE_FILE), { readonly: true });
    try {
      return {
        audit: (db.prepare('SELECT * FROM audit_log').all() as Record<string, unknown>[]).map((r) => JSON.stringify(r)),
        passes: db.prepare('SELECT * FROM passes').all() as Record<string, unknown>[],
      };
    } finally {
      db.close();
    }
  }
  const client = await connectTestRedis();
  try {
    const keys = await keysWithPrefix(client, ctx.prefix);
    const auditKey = keys.find((k) => k.endsWith('{staff}:audit'))!;
    const audit = (await client.zrange(auditKey, '0', '-1', 'WITHSCORES')).map(String);
    const passes = await Promise.all(keys.filter((k) => k.includes('{passes}:pass:')).map((k) => client.hgetall(k)));
    return { audit, passes };
  } finally {
    await client.quit();
  }
}

describe.each([
  ['sqlite', false],
  ['redis', true],
])('audit log and passes after sessions end, with %s', (_name, redis) => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when staff extend and end pass sessions, then the audit log holds no session code and no time finer than the minute, and used passes no session or time', async () => {
    ctx = await makeStaffApp({ redis, config: ZONE, now: '2026-11-18T10:00:07.123Z' });
    const staff = await signedIn(ctx, 'sam', 'staff');
    ctx.clock.advance(1_234);
    const sheet = await staff.submit('/staff/passes', '/staff/passes', { count: '3', minutes: '60', validUntil: '2026-11-20' });
    const codes = [...sheet.text.matchAll(/<p class="pass-code">([A-Z0-9-]+)<\/p>/g)].map((m) => m[1]!);
    for (const [i, p] of PATRONS.entries()) expect((await new Patron(ctx.app, p.ip, p.mac).submit('/', '/redeem', { code: codes[i]! })).status).toBe(303);
    const sessions = await Promise.all(PATRONS.map(async (p) => (await ctx.deps.store.getSession(ctx.deps.sessions.lookup(p.ip)!.record.id))!));
    ctx.clock.advance(7_777);
    await staff.submit(`/staff/sessions?code=${sessions[0]!.code}`, '/staff/sessions/extend', { code: sessions[0]!.code, minutes: '15' });
    ctx.clock.advance(3_333);
    for (const s of sessions) await staff.submit(`/staff/sessions?code=${s.code}`, '/staff/sessions/end', { code: s.code, confirm: 'yes' });
    expect(PATRONS.map((p) => ctx.deps.sessions.lookup(p.ip))).toEqual([undefined, undefined]);

    const entries = await ctx.deps.staff.audit.list(50);
    const sessionEntries = entries.filter((e) => e.action.startsWith('session.'));
    // (Within one minute the order of entries is not kept on Redis: the minute is their score.)
    expect(sessionEntries.map((e) => [e.action, e.target]).sort()).toEqual([['session.end', 'wifi'], ['session.end', 'wifi'], ['session.extend', 'wifi']]);
    for (const e of entries) expect(e.at % AUDIT_TIME_PRECISION_MS).toBe(0);

    const rest = await atRest(ctx, redis);
    expect(rest.audit.length).toBeGreaterThan(0);
    for (const raw of rest.audit) {
      for (const s of sessions) for (const needle of [s.code, s.id, s.pseudonym, String(s.startedAt), String(s.endsAt)]) expect(raw).not.toContain(needle);
      // Every number in the row (time, expiry, score) is a whole minute; the ids are hex, not times.
      for (const n of raw.match(/\b\d{13}\b/g) ?? []) expect(Number(n) % AUDIT_TIME_PRECISION_MS).toBe(0);
    }
    // A used pass says it was used; nothing about which session, device or moment.
    expect(rest.passes).toHaveLength(3);
    for (const p of rest.passes) {
      const fields = Object.keys(p).sort();
      expect(fields).toEqual(redis ? ['batchId', 'minutes', 'state', 'validUntil'] : ['batch_id', 'expires_at', 'hash', 'minutes', 'state', 'valid_until']);
      for (const s of sessions) expect(JSON.stringify(p)).not.toContain(s.id);
    }
    expect(rest.passes.map((p) => p.state).sort()).toEqual(['unused', 'used', 'used']);
  });
});
