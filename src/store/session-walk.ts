// Walking the sessions a page at a time (Store.scanSessions): its options, its pages, and the
// order and cursors every store walks them in.
import type { SessionRecord } from './types';

/** Options of `Store.scanSessions`. */
export interface ScanOptions {
  /** Walk towards earlier sessions, from `cursor` (exclusive); the page is still in ascending order. */
  backward?: boolean;
  /**
   * Says, from a session's id and end, whether its record must be read. Sessions it declines
   * are listed in `unread` (the reconcile job re-reads only what changed).
   */
  read?: (id: string, endsAt: number) => boolean;
  /** Only sessions whose `endsAt` is later than this (the staff console leaves out ended ones). */
  endingAfter?: number;
}

/** A page of `Store.scanSessions`. */
export interface SessionPage {
  /** The records read, in ascending order. */
  sessions: SessionRecord[];
  /** Ids of live sessions on this page whose record `read` declined. */
  unread: string[];
  /** The cursor of the following page in the same direction; undefined when this was the last. */
  next?: string;
}

/**
 * The order sessions are walked in: by end, then gateway, then id. A cursor names a place in
 * it; it is opaque to callers (the staff console puts it in links) and checked by `parseCursor`.
 */
export function sessionCursor(s: Pick<SessionRecord, 'endsAt' | 'gatewayId' | 'id'>): string {
  return `${s.endsAt}:${s.gatewayId}:${s.id}`;
}

/** A cursor read back, or undefined when it is not one (a mangled link). */
export function parseCursor(cursor: string): { endsAt: number; gatewayId: string; id: string } | undefined {
  const m = /^(\d{1,16}):([a-z0-9-]{1,32}):([A-Za-z0-9_-]{1,64})$/.exec(cursor);
  if (!m) return undefined;
  const endsAt = Number(m[1]);
  return Number.isSafeInteger(endsAt) ? { endsAt, gatewayId: m[2]!, id: m[3]! } : undefined;
}

/** Compares two sessions (or cursors) in walking order. */
export function compareSessions(a: Pick<SessionRecord, 'endsAt' | 'gatewayId' | 'id'>, b: Pick<SessionRecord, 'endsAt' | 'gatewayId' | 'id'>): number {
  return a.endsAt - b.endsAt || cmp(a.gatewayId, b.gatewayId) || cmp(a.id, b.id);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
