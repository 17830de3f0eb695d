// The order every store walks the sessions in (Store.scanSessions), and the cursors that name a
// place in it. Depends on nothing: types.ts re-exports it.

/** Where a session stands in walking order (a SessionRecord has these fields). */
export interface WalkPlace {
  endsAt: number;
  gatewayId: string;
  id: string;
}

/**
 * The order sessions are walked in: by end, then gateway, then id. A cursor names a place in
 * it; it is opaque to callers (the staff console puts it in links) and checked by `parseCursor`.
 */
export function sessionCursor(s: WalkPlace): string {
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
export function compareSessions(a: WalkPlace, b: WalkPlace): number {
  return a.endsAt - b.endsAt || cmp(a.gatewayId, b.gatewayId) || cmp(a.id, b.id);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
