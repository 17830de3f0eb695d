// Moments as a patron reads them: "today at 09:00", "tomorrow at 10:00", "Thursday 3 December at
// 09:00", in the patron's language and the library's time zone (never an ISO date on a patron page).
import { addDays, formatHhmm, localTime } from '../domain/local-time';
import type { Lang } from './languages';
import type { Translate } from './translate';

export function humanWhen(t: Translate, lang: Lang, ms: number, now: number, tz: string): string {
  const at = localTime(ms, tz);
  const today = localTime(now, tz).date;
  const time = formatHhmm(at.minutes);
  if (at.date === today) return t('when.today', { time });
  if (at.date === addDays(today, 1)) return t('when.tomorrow', { time });
  const day = new Intl.DateTimeFormat(lang, { weekday: 'long', day: 'numeric', month: 'long', timeZone: tz }).format(ms);
  return t('when.later', { day, time });
}
