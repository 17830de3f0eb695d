// Looks up a message and fills in its {placeholders}.
import { en, type MessageKey } from './en';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(): Translate {
  return (key, vars) => {
    const msg: string = en[key] ?? key;
    return vars ? msg.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m)) : msg;
  };
}

/** "45 minutes", "1 minute", "2 h 30 min". */
export function formatDuration(t: Translate, seconds: number): string {
  const minutes = Math.max(0, Math.ceil(seconds / 60));
  if (minutes === 1) return t('duration.minute');
  if (minutes < 60) return t('duration.minutes', { n: minutes });
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (m === 0) return h === 1 ? t('duration.hour') : t('duration.hoursOnly', { h });
  return t('duration.hours', { h, m });
}
