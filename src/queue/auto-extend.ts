// Automatic extension while no one waits (policy `autoExtend`): a running kiosk session nearing
// its end warning is topped up, as the daily allowance and opening hours allow, as long as the
// zone's queue is empty. Once someone waits it is left alone and gets its normal end warning.
import type { Deps } from '../deps';

/** A session is extended this long before its end warning would be due. */
export const AUTO_EXTEND_LEAD_SECONDS = 60;

/** Extends the kiosk session at `ip` if its zone says so, it nears its warning, and no one waits. True when extended. */
export async function extendWhileNoOneWaits(deps: Pick<Deps, 'sessions' | 'queue' | 'pcs'>, ip: string): Promise<boolean> {
  const live = deps.sessions.lookup(ip);
  if (!live) return false;
  const zoneId = live.record.zoneId;
  const policy = await deps.sessions.policies.get(zoneId);
  if (!policy.autoExtend || !deps.queue.zone(zoneId)) return false;
  if (deps.sessions.secondsLeft(live) > policy.warningMinutes * 60 + AUTO_EXTEND_LEAD_SECONDS) return false;
  if (await deps.queue.anyoneWaiting(zoneId)) return false;
  // Not into this PC's next booking either.
  const pc = deps.pcs.at(ip);
  const booking = pc ? await deps.queue.nextBookingAt(zoneId, pc.name) : undefined;
  if (booking !== undefined && booking < live.record.endsAt + policy.sessionMinutes * 60_000) return false;
  const result = await deps.sessions.extendSession(live, { automatic: true });
  return result.ok;
}
