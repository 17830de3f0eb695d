// Quota rules: how long a new session may last, how far it may be extended, and when it must end.
import type { Policy } from '../config/schema';
import type { OpenStatus } from './opening-hours';

/** A session shorter than this is not worth starting or extending. */
export const MIN_GRANT_SECONDS = 60;

export type Refusal = 'closed' | 'allowance-exhausted';

export type GrantPlan = { ok: true; seconds: number; endsAt: number } | { ok: false; reason: Refusal };

export interface GrantInput {
  policy: Pick<Policy, 'sessionMinutes' | 'dailyMinutes'>;
  now: number;
  /** Seconds this device has already used (or reserved) today. */
  usedSeconds: number;
  open: OpenStatus;
}

/** Plans a new session: the session length, cut to the allowance left today and to closing time. */
export function planGrant({ policy, now, usedSeconds, open }: GrantInput): GrantPlan {
  if (!open.open) return { ok: false, reason: 'closed' };
  const left = allowanceLeft(policy, usedSeconds);
  if (left < MIN_GRANT_SECONDS) return { ok: false, reason: 'allowance-exhausted' };
  const untilClose = open.closesAt === undefined ? Infinity : Math.floor((open.closesAt - now) / 1000);
  if (untilClose < MIN_GRANT_SECONDS) return { ok: false, reason: 'closed' };
  const seconds = Math.min(policy.sessionMinutes * 60, left, untilClose);
  return { ok: true, seconds, endsAt: now + seconds * 1000 };
}

export type ExtendPlan =
  | { ok: true; addedSeconds: number; endsAt: number }
  | { ok: false; reason: Refusal | 'not-allowed' | 'already-full' };

/**
 * Plans an extension: the session is topped up to one full session length from now, as far as
 * the allowance left today and closing time allow. It never stacks more than one session length.
 */
export function planExtend(
  input: GrantInput & { policy: Pick<Policy, 'sessionMinutes' | 'dailyMinutes' | 'allowExtend'>; endsAt: number },
): ExtendPlan {
  const { policy, now, usedSeconds, open, endsAt } = input;
  if (!policy.allowExtend) return { ok: false, reason: 'not-allowed' };
  if (!open.open) return { ok: false, reason: 'closed' };
  const left = allowanceLeft(policy, usedSeconds);
  if (left < MIN_GRANT_SECONDS) return { ok: false, reason: 'allowance-exhausted' };
  let target = now + policy.sessionMinutes * 60_000;
  if (open.closesAt !== undefined) target = Math.min(target, open.closesAt);
  target = Math.min(target, endsAt + left * 1000);
  const addedSeconds = Math.floor((target - endsAt) / 1000);
  if (addedSeconds < MIN_GRANT_SECONDS) {
    return { ok: false, reason: open.closesAt !== undefined && open.closesAt - endsAt < 60_000 ? 'closed' : 'already-full' };
  }
  return { ok: true, addedSeconds, endsAt: endsAt + addedSeconds * 1000 };
}

/** Extensions staff may give a running session, in minutes. */
export const STAFF_EXTEND_MINUTES = [15, 30, 60] as const;

export type StaffExtendPlan = { ok: true; endsAt: number } | { ok: false; reason: 'closed' };

/**
 * Plans an extension staff give: the minutes chosen, added to the session's end, never past
 * closing time. Unlike the patron's top-up it may go beyond one session length.
 */
export function planStaffExtend(endsAt: number, bySeconds: number, open: OpenStatus): StaffExtendPlan {
  let target = endsAt + bySeconds * 1000;
  if (open.closesAt !== undefined) target = Math.min(target, open.closesAt);
  return target - endsAt >= 1000 ? { ok: true, endsAt: target } : { ok: false, reason: 'closed' };
}

/**
 * The end a running session gets when staff change the policy and choose to shorten running
 * sessions: no later than its start plus the new session length, nor than closing time.
 * It never lengthens a session.
 */
export function shortenedEnd(
  session: { startedAt: number; endsAt: number },
  policy: Pick<Policy, 'sessionMinutes'>,
  open: OpenStatus,
  now: number,
): number {
  let end = Math.min(session.endsAt, session.startedAt + policy.sessionMinutes * 60_000);
  if (!open.open) end = Math.min(end, now);
  else if (open.closesAt !== undefined) end = Math.min(end, open.closesAt);
  return Math.max(end, now);
}

/** Whether a patron may extend a session opened this way at all: a pass gives its minutes only, unless the policy says more. */
export function mayExtend(policy: Pick<Policy, 'allowExtend' | 'extendPasses'>, via: 'click-through' | 'pass'): boolean {
  return policy.allowExtend && (via !== 'pass' || policy.extendPasses);
}

/**
 * Whether extending could add time now, judged from memory (the allowance left is not known
 * here): `planExtend` tops up to one session length, so at least a minute must be missing.
 */
export function couldExtend(policy: Pick<Policy, 'allowExtend' | 'extendPasses' | 'sessionMinutes'>, secondsLeft: number, via: 'click-through' | 'pass' = 'click-through'): boolean {
  return mayExtend(policy, via) && secondsLeft <= policy.sessionMinutes * 60 - MIN_GRANT_SECONDS;
}

export function allowanceLeft(policy: Pick<Policy, 'dailyMinutes'>, usedSeconds: number): number {
  return Math.max(0, policy.dailyMinutes * 60 - usedSeconds);
}

/** True when a session with a byte counter has seen no traffic for the idle period. */
export function isIdle(lastActivityAt: number, now: number, idleMinutes: number): boolean {
  return idleMinutes > 0 && now - lastActivityAt >= idleMinutes * 60_000;
}
