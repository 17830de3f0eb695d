// Looks up a message in the patron's language, chooses its plural form and fills in its
// {placeholders}; a message missing in a language falls back to English.
import type { Catalog, Message, MessageKey } from './catalogue';
import { en } from './en';
import { es } from './es';
import { fr } from './fr';
import { ar } from './ar';
import { DEFAULT_LANG, type Lang } from './languages';

export type { Catalog, Message, PluralForms } from './catalogue';

export const CATALOGS: Readonly<Record<Lang, Catalog>> = { en, es, fr, ar };

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function translator(lang: Lang = DEFAULT_LANG): Translate {
  const catalog = CATALOGS[lang];
  const plurals = new Intl.PluralRules(lang);
  return (key, vars) => {
    const msg: Message = catalog[key] ?? en[key] ?? key;
    let text: string;
    if (typeof msg === 'string') text = msg;
    else {
      const n = Number(vars?.n ?? 0);
      text = msg[plurals.select(n)] ?? msg.other;
    }
    return vars ? fill(text, vars) : text;
  };
}

/** Replaces each {name} whose name is in `vars`; leaves the others as they are. */
export function fill(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (m, name: string) => (Object.hasOwn(vars, name) ? String(vars[name]) : m));
}

/** "45 minutes", "1 minute", "2 h 30 min", in the translator's language. */
export function formatDuration(t: Translate, seconds: number): string {
  const minutes = Math.max(0, Math.ceil(seconds / 60));
  if (minutes < 60) return t('duration.minutes', { n: minutes });
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (m === 0) return t('duration.hoursOnly', { n: h });
  return t('duration.hours', { h, m });
}
