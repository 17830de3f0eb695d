// Live sessions for staff: counts per zone and a list by session code, across every gateway
// sharing the store; extend or end a session by its code. No address or pseudonym leaves here.
import type { Config } from '../config/schema';
import type { Clock } from '../domain/clock';
import { STAFF_EXTEND_MINUTES } from '../domain/quota';
import { normaliseCode } from '../privacy/random';
import type { SessionService } from '../sessions/session-service';
import { parseCursor, sessionCursor, type SessionRecord, type Store } from '../store/types';
import type { AuditLog } from './audit-log';
import type { OtherGatewaySessions } from './other-gateway-sessions';

/** What staff see of a session: never its IP, MAC or pseudonym. */
export interface SessionRow {
  code: string;
  zoneId: string;
  zoneName: string;
  gatewayId: string;
  startedAt: number;
  endsAt: number;
  leftSeconds: number;
  via: SessionRecord['via'];
}

export interface ZoneCount {
  zoneId: string;
  name: string;
  count: number;
}

/** Sessions shown on one page of the console's list. */
export const PAGE_SIZE = 50;

/** A page of the list, with the cursors of the pages either side (absent at either end). */
export type SessionsPage = { ok: true; rows: SessionRow[]; next?: string; previous?: string } | { ok: false; message: string };

export type StaffActionResult = { ok: true; row: SessionRow; addedSeconds?: number } | { ok: false; message: string };

export interface SessionListDeps {
  config: Config;
  store: Store;
  clock: Clock;
  sessions: SessionService;
  remote: OtherGatewaySessions;
  audit: AuditLog;
}

/** Extensions staff may give, in minutes. */
export const EXTEND_CHOICES = STAFF_EXTEND_MINUTES;

export class SessionList {
  constructor(private readonly d: SessionListDeps) {}

  private row(r: SessionRecord): SessionRow {
    const now = this.d.clock.now();
    return {
      code: r.code,
      zoneId: r.zoneId,
      zoneName: this.d.config.zones.find((z) => z.id === r.zoneId)?.name ?? r.zoneId,
      gatewayId: r.gatewayId,
      startedAt: r.startedAt,
      endsAt: r.endsAt,
      leftSeconds: Math.max(0, Math.ceil((r.endsAt - now) / 1000)),
      via: r.via,
    };
  }

  /** How many sessions run in each configured zone, on every gateway (counted in the store). */
  async counts(): Promise<ZoneCount[]> {
    const n = await this.d.store.countSessionsByZone(this.d.config.zones.map((z) => z.id));
    return this.d.config.zones.map((z) => ({ zoneId: z.id, name: z.name, count: n[z.id] ?? 0 }));
  }

  /**
   * One page of the running sessions on every gateway, those ending soonest first: the first
   * page, the one after the cursor `after`, or the one before `before`. Read from the store a
   * page at a time, so it costs the same at 100 sessions as at 100,000.
   */
  async page(at: { after?: string; before?: string } = {}): Promise<SessionsPage> {
    const now = this.d.clock.now();
    const backward = at.before !== undefined;
    const cursor = at.before ?? at.after;
    if (cursor !== undefined && (cursor.length > 200 || !parseCursor(cursor))) return { ok: false, message: 'This page of sessions is out of date or the link is damaged. Start again from the first page.' };
    const page = await this.d.store.scanSessions(undefined, cursor, PAGE_SIZE, { backward, endingAfter: now });
    const first = page.sessions[0];
    const last = page.sessions[page.sessions.length - 1];
    // Going forward there is more when the store says so; behind, when we came from a cursor.
    const more = { ahead: backward ? cursor !== undefined : page.next !== undefined, behind: backward ? page.next !== undefined : cursor !== undefined };
    return {
      ok: true,
      rows: page.sessions.map((r) => this.row(r)),
      ...(more.ahead && last ? { next: sessionCursor(last) } : {}),
      ...(more.behind && first ? { previous: sessionCursor(first) } : {}),
    };
  }

  private async record(code: string): Promise<SessionRecord | undefined> {
    const r = await this.d.store.findSessionByCode(normaliseCode(code));
    return r && r.endsAt > this.d.clock.now() ? r : undefined;
  }

  async find(code: string): Promise<SessionRow | undefined> {
    const r = await this.record(code);
    return r ? this.row(r) : undefined;
  }

  /** Adds minutes to a session (never past closing time), on whichever gateway runs it. */
  async extend(actor: string, code: string, minutes: number): Promise<StaffActionResult> {
    const r = await this.record(code);
    if (!r) return missing(code);
    const here = r.gatewayId === this.d.config.gatewayId ? this.d.sessions.live.byIdOf(r.id) : undefined;
    const result = here
      ? await this.d.sessions.extendSession(here, { bySeconds: minutes * 60 })
      : await this.d.remote.extend(r, minutes * 60);
    if (!result.ok) return { ok: false, message: 'The session cannot be extended: the library closes before then.' };
    const updated = (await this.d.store.getSession(r.id)) ?? r;
    // The zone, not the session code: the entry outlives the session and must not lead back to it.
    await this.d.audit.record(actor, 'session.extend', r.zoneId, { key: 'audit.sessionExtend', vars: { zone: this.row(r).zoneName, minutes: Math.round(result.addedSeconds / 60) } });
    return { ok: true, row: this.row(updated), addedSeconds: result.addedSeconds };
  }

  /** Ends a session now; another gateway's session is revoked there at its next reconcile. */
  async end(actor: string, code: string): Promise<StaffActionResult> {
    const r = await this.record(code);
    if (!r) return missing(code);
    await this.d.sessions.end(r.id, 'staff');
    await this.d.audit.record(actor, 'session.end', r.zoneId, { key: 'audit.sessionEnd', vars: { zone: this.row(r).zoneName } });
    return { ok: true, row: this.row({ ...r, endsAt: this.d.clock.now() }) };
  }
}

function missing(code: string): StaffActionResult {
  return { ok: false, message: `No running session has the code ${normaliseCode(code) || '(empty)'}. Check the code on the patron's status page.` };
}
