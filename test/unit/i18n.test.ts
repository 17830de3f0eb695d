// Every language has every message, with the same placeholders and the plural forms it needs;
// Accept-Language negotiation; durations and links in each language.
import { en, type MessageKey } from '../../src/i18n/en';
import { CATALOGS, formatDuration, translator } from '../../src/i18n/translate';
import { negotiate, type Lang } from '../../src/i18n/languages';
import { describeCatalogueCompleteness } from '../helpers/catalogue-checks';
import { keepLanguage } from '../../src/i18n/middleware';
import { configSchema } from '../../src/config/schema';

/** Messages that are rightly the same as in English in some language. */
const SAME_AS_ENGLISH: Partial<Record<Lang, MessageKey[]>> = {
  es: ['error.status', 'duration.hours'],
  fr: ['duration.hours', 'display.ticket'],
};

describeCatalogueCompleteness('messages', en, CATALOGS, SAME_AS_ENGLISH);

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
