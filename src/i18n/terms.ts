// The terms of use in the patron's language: the built-in terms are translated like any other
// page text; terms a library wrote are shown as written, or in its own translation if it gave one.
import type { Config } from '../config/schema';
import type { Lang } from './languages';
import { en } from './en';
import { translator } from './translate';

export function termsFor(config: Config, lang: Lang): string {
  const own = config.termsTranslations[lang];
  if (own) return own;
  // The configuration's default terms are the English message.
  if (config.terms === en['terms.default']) return translator(lang)('terms.default');
  return config.terms;
}
