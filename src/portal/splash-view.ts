// Renders the welcome (splash) page from a client's zone, policy and allowance; used by the
// page itself and by the pass form when it is shown again with a message.
import type { Response } from 'express';
import type { Policy } from '../config/schema';
import { formatDuration, type Translate } from '../i18n/translate';

export interface SplashInfo {
  policy: Policy;
  leftSeconds: number;
}

/** In a pass-required zone, the pass form may come back with a message and the code typed. */
export interface PassFormState {
  passError?: string;
  passCode?: string;
}

export function renderSplash(res: Response, info: SplashInfo, pass: PassFormState = {}, status = 200): void {
  const t = res.locals.t as Translate;
  res.status(status).render('portal/splash', {
    policy: info.policy,
    sessionText: formatDuration(t, info.policy.sessionMinutes * 60),
    dailyText: formatDuration(t, info.policy.dailyMinutes * 60),
    leftText: info.leftSeconds < info.policy.dailyMinutes * 60 ? formatDuration(t, info.leftSeconds) : undefined,
    error: undefined,
    passError: pass.passError,
    passCode: pass.passCode ?? '',
  });
}
