// The staff console's translator: a staff message in the staff member's language, its plural
// form chosen and its {placeholders} filled (numbers written the language's way); patron
// messages (error titles the console shares with the portal) are found too, and a message
// missing in a language falls back to English.
import type { MessageKey } from '../en';
import { fill, CATALOGS } from '../translate';
import type { Message } from '../message';
import { DEFAULT_LANG, type Lang } from '../languages';
import { STAFF_CATALOGS, staffEn, type StaffKey } from './catalogue';

export type { StaffKey } from './catalogue';

/** Values for placeholders: numbers are written in the language's own way (1,234 / 1 234). */
export type Vars = Record<string, string | number>;

export interface StaffTranslate {
  (key: StaffKey | MessageKey, vars?: Vars): string;
  /** The language this translator speaks. */
  readonly lang: Lang;
}

/** An English sentence a service wrote, in a translator's language; as written when it is no staff message. */
export type TranslateEnglish = (text: string | undefined) => string;

export function staffTranslator(lang: Lang = DEFAULT_LANG): StaffTranslate {
  const own = STAFF_CATALOGS[lang] as Readonly<Record<string, Message | undefined>>;
  const patron = CATALOGS[lang] as Readonly<Record<string, Message | undefined>>;
  const english = { ...CATALOGS.en, ...staffEn } as Readonly<Record<string, Message | undefined>>;
  const plurals = new Intl.PluralRules(lang);
  const numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const t = (key: string, vars?: Vars): string => {
    const msg = own[key] ?? patron[key] ?? english[key] ?? key;
    const text = typeof msg === 'string' ? msg : (msg[plurals.select(Number(vars?.n ?? 0))] ?? msg.other);
    if (!vars) return text;
    const shown: Vars = {};
    for (const [k, v] of Object.entries(vars)) shown[k] = typeof v === 'number' ? numbers.format(v) : v;
    return fill(text, shown);
  };
  return Object.assign(t, { lang }) as StaffTranslate;
}
