// The languages patron pages speak, and choosing one from a request's Accept-Language header.

/** Each supported language: its own name for itself and its writing direction. */
export const LANGUAGES = {
  en: { name: 'English', dir: 'ltr' },
  es: { name: 'Español', dir: 'ltr' },
  fr: { name: 'Français', dir: 'ltr' },
  ar: { name: 'العربية', dir: 'rtl' },
} as const;

export type Lang = keyof typeof LANGUAGES;

/** In the order the language switcher shows them; the first is the fallback. */
export const SUPPORTED: readonly Lang[] = ['en', 'es', 'fr', 'ar'];

export const DEFAULT_LANG: Lang = 'en';

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && Object.hasOwn(LANGUAGES, value);
}

/**
 * The best supported language for an Accept-Language header: the highest q-value whose primary
 * subtag we speak ("es-MX" picks es), ties broken by order in the header. English when nothing
 * matches or the header is missing or malformed.
 */
export function negotiate(header: string | undefined): Lang {
  if (!header) return DEFAULT_LANG;
  let best: { lang: Lang; q: number } | undefined;
  for (const part of header.slice(0, 500).split(',')) {
    const [range, ...params] = part.trim().split(';');
    const primary = range?.trim().toLowerCase().split('-')[0];
    if (!isLang(primary)) continue;
    let q = 1;
    for (const p of params) {
      const m = /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p);
      if (m) q = Number(m[1]);
    }
    if (q > 0 && (!best || q > best.q)) best = { lang: primary, q };
  }
  return best?.lang ?? DEFAULT_LANG;
}
