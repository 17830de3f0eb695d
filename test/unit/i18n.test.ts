// Every language has every message, with the same placeholders and the plural forms it needs;
// Accept-Language negotiation; durations and links in each language.
import { en, type MessageKey } from '../../src/i18n/en';
import { CATALOGS, formatDuration, translator, type Message } from '../../src/i18n/translate';
import { SUPPORTED, negotiate } from '../../src/i18n/languages';
import { keepLanguage } from '../../src/i18n/middleware';
import { configSchema } from '../../src/config/schema';

const placeholders = (s: string) => new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!));
const forms = (m: Message) => (typeof m === 'string' ? [m] : Object.values(m));
const allPlaceholders = (m: Message) => new Set(forms(m).flatMap((f) => [...placeholders(f)]));

/** Messages that are rightly the same as in English in some language. */
const SAME_AS_ENGLISH: Partial<Record<string, MessageKey[]>> = {
  es: ['error.status', 'duration.hours'],
  fr: ['duration.hours', 'display.ticket'],
};

describe.each(SUPPORTED.filter((l) => l !== 'en'))('messages in %s', (lang) => {
  const catalog = CATALOGS[lang];
  const keys = Object.keys(en) as MessageKey[];

  it('when the catalogue is compared with English, then no key is missing and none is extra', () => {
    expect(keys.filter((k) => catalog[k] === undefined)).toEqual([]);
    expect(Object.keys(catalog).filter((k) => !(k in en))).toEqual([]);
  });

  it('when a message has placeholders, then the translation has exactly the same ones', () => {
    const wrong = keys.filter((k) => {
      const theirs = catalog[k];
      if (theirs === undefined) return false;
      const mine = allPlaceholders(en[k]);
      const got = allPlaceholders(theirs);
      // A plural form may spell its number out ("يومين"), so {n} may be missing from some forms.
      mine.delete('n');
      got.delete('n');
      return [...mine].sort().join() !== [...got].sort().join();
    });
    expect(wrong).toEqual([]);
  });

  it('when a message is plural, then every plural form the language uses for 0 to 1000 is given', () => {
    const rules = new Intl.PluralRules(lang);
    const needed = new Set(Array.from({ length: 1001 }, (_, n) => rules.select(n)));
    for (const k of keys) {
      const mine = en[k];
      const theirs = catalog[k]!;
      expect([k, typeof theirs]).toEqual([k, typeof mine]);
      if (typeof theirs === 'string') continue;
      expect([k, [...needed].filter((c) => !(c in theirs))]).toEqual([k, []]);
    }
  });

  it('when a message is a sentence, then it is translated, not copied from English', () => {
    const copied = keys.filter((k) => JSON.stringify(catalog[k]) === JSON.stringify(en[k]) && !(SAME_AS_ENGLISH[lang] ?? []).includes(k));
    expect(copied).toEqual([]);
    expect(keys.filter((k) => forms(catalog[k]!).some((f) => !f.trim()))).toEqual([]);
  });
});

describe('language negotiation', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['es-MX,es;q=0.9,en;q=0.8', 'es'],
    ['de-DE,de;q=0.9,fr;q=0.5', 'fr'],
    ['ar-EG', 'ar'],
    ['en;q=0.2, fr;q=0.8', 'fr'],
    ['fr;q=0', 'en'],
    ['de, *;q=0.1', 'en'],
    [';;;q=zz,,', 'en'],
    ['FR-ca', 'fr'],
  ])('when Accept-Language is %p, then the page is in %s', (header, lang) => {
    expect(negotiate(header)).toBe(lang);
  });
});

describe('words in each language', () => {
  it('when durations are worded, then each language uses its own plural forms', () => {
    const d = (lang: 'en' | 'es' | 'fr' | 'ar', s: number) => formatDuration(translator(lang), s);
    expect([d('en', 60), d('en', 45 * 60), d('en', 3600), d('en', 3 * 3600), d('en', 150 * 60)]).toEqual(['1 minute', '45 minutes', '1 hour', '3 hours', '2 h 30 min']);
    expect([d('es', 60), d('es', 45 * 60), d('es', 3 * 3600)]).toEqual(['1 minuto', '45 minutos', '3 horas']);
    expect([d('fr', 60), d('fr', 3 * 3600)]).toEqual(['1 minute', '3 heures']);
    expect([d('ar', 60), d('ar', 120), d('ar', 5 * 60), d('ar', 11 * 60), d('ar', 2 * 3600)]).toEqual(['دقيقة واحدة', 'دقيقتين', '5 دقائق', '11 دقيقة', 'ساعتين']);
  });

  it('when the configuration keeps its default terms, then they are the English message word for word', () => {
    expect(configSchema.parse({}).terms).toBe(en['terms.default']);
  });

  it('when a link to a portal page is kept in a language, then lang is set and the rest kept', () => {
    expect(keepLanguage('/status', 'ar')).toBe('/status?lang=ar');
    expect(keepLanguage('/status?notice=extended#top', 'es')).toBe('/status?notice=extended&lang=es#top');
    expect(keepLanguage('/learn?lang=fr', 'es')).toBe('/learn?lang=es');
    expect(keepLanguage('https://portal.example/', 'fr', 'https://portal.example')).toBe('https://portal.example/?lang=fr');
    expect(keepLanguage('https://elsewhere.example/', 'fr', 'https://portal.example')).toBe('https://elsewhere.example/');
    expect(keepLanguage('//elsewhere.example/x', 'fr')).toBe('//elsewhere.example/x');
  });
});
