// The status page of a patron who is online: time left, why the session ends when it does, time
// left today on this device, and what the last extend did (how much it added, or why it could not).
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Policy } from '../config/schema';
import type { Deps } from '../deps';
import { MIN_GRANT_SECONDS, mayExtend } from '../domain/quota';
import type { OpenStatus } from '../domain/opening-hours';
import { formatDuration, type Translate } from '../i18n/translate';
import type { MessageKey } from '../i18n/en';
import type { ExtendResult } from '../sessions/session-service';
import type { LiveSession } from '../sessions/live-view';

/** What ends the session at its end time, as the patron is told. */
export type EndsBecause = 'closing' | 'pass' | 'allowance' | 'session';

export function endsBecause(s: { endsAt: number; via: 'click-through' | 'pass' }, open: OpenStatus, leftTodaySeconds: number): EndsBecause {
  if (open.closesAt !== undefined && s.endsAt >= open.closesAt - MIN_GRANT_SECONDS * 1000) return 'closing';
  if (s.via === 'pass') return 'pass';
  if (leftTodaySeconds < MIN_GRANT_SECONDS) return 'allowance';
  return 'session';
}

const REFUSALS = { closed: 'closed', 'allowance-exhausted': 'allowance', 'already-full': 'full', 'not-allowed': 'not-allowed' } as const;
type Why = (typeof REFUSALS)[keyof typeof REFUSALS];
const WHY_KEYS: Record<Why, MessageKey> = {
  closed: 'status.cannotExtend.closed',
  allowance: 'status.cannotExtend.allowance',
  full: 'status.cannotExtend.full',
  'not-allowed': 'status.cannotExtend.notAllowed',
};

/** Where the extend form sends the patron: the status page saying what happened, or the start page. */
export function afterExtend(result: ExtendResult): string {
  if (result.ok) return `/status?notice=extended&added=${Math.max(1, Math.round(result.addedSeconds / 60))}`;
  if (result.reason === 'no-session') return '/';
  return `/status?notice=not-extended&why=${REFUSALS[result.reason]}`;
}

/** The notice's query, as the redirect above writes it; anything else shows no notice. */
const noticeQuery = z.union([
  z.object({ notice: z.literal('extended'), added: z.coerce.number().int().min(1).max(1440) }),
  z.object({ notice: z.literal('not-extended'), why: z.enum(['closed', 'allowance', 'full', 'not-allowed']).optional() }),
]);

function noticeText(t: Translate, query: Request['query']): { kind: 'ok' | 'warn'; text: string } | undefined {
  const q = noticeQuery.safeParse(query);
  if (!q.success) return undefined;
  if (q.data.notice === 'extended') return { kind: 'ok', text: t('status.extended', { added: formatDuration(t, q.data.added * 60) }) };
  return { kind: 'warn', text: t(q.data.why ? WHY_KEYS[q.data.why] : 'status.cannotExtend') };
}

const BECAUSE_KEYS: Record<EndsBecause, MessageKey> = {
  closing: 'status.because.closing',
  pass: 'status.because.pass',
  allowance: 'status.because.allowance',
  session: 'status.because.session',
};

export async function renderStatus(req: Request, res: Response, deps: Deps, session: LiveSession, policy: Policy | undefined): Promise<void> {
  const t = res.locals.t as Translate;
  const left = deps.sessions.secondsLeft(session);
  const info = await deps.sessions.describe(deps.resolveClient(req));
  const leftToday = info?.leftSeconds;
  const because = info ? endsBecause(session.record, info.open, info.leftSeconds) : undefined;
  res.set('Cache-Control', 'no-store');
  res.render('portal/status', {
    left,
    leftText: formatDuration(t, left),
    endsAt: session.record.endsAt,
    because: because && t(BECAUSE_KEYS[because], { session: formatDuration(t, (policy?.sessionMinutes ?? 0) * 60) }),
    todayText: leftToday === undefined ? undefined : leftToday < MIN_GRANT_SECONDS ? t('status.todayNone') : t('status.todayLeft', { left: formatDuration(t, leftToday) }),
    code: session.record.code,
    canExtend: policy ? mayExtend(policy, session.record.via) : false,
    warning: policy ? left <= policy.warningMinutes * 60 : false,
    warningSeconds: policy ? policy.warningMinutes * 60 : 0,
    notice: noticeText(t, req.query),
  });
}
