// The completeness checks every message catalogue passes (patron and staff alike): in each
// language no key missing or extra, the same placeholders, every plural form the language needs
// for 0 to 1000, and nothing copied from English unless it is rightly the same (or holds no words).
import type { Message } from '../../src/i18n/message';
import { SUPPORTED, type Lang } from '../../src/i18n/languages';

const placeholders = (s: string) => new Set([...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!));
const forms = (m: Message) => (typeof m === 'string' ? [m] : Object.values(m));
const allPlaceholders = (m: Message) => new Set(forms(m).flatMap((f) => [...placeholders(f)]));
/** Placeholders, figures, symbols and short units only ("{n} min", "{d} d {h} h", "{n} GB"): the same in every language by nature. */
const wordless = (m: Message) => forms(m).every((f) => !/\p{L}{4,}/u.test(f.replace(/\{\w+\}/g, '')));

export function describeCatalogueCompleteness<K extends string>(
  name: string,
  english: Readonly<Record<K, Message>>,
  catalogs: Readonly<Record<Lang, Partial<Record<K, Message>>>>,
  sameAsEnglish: Partial<Record<Lang, readonly K[]>> = {},
): void {
  const keys = Object.keys(english) as K[];
  describe.each(SUPPORTED.filter((l) => l !== 'en'))(`${name} in %s`, (lang) => {
    const catalog = catalogs[lang];

    it('when the catalogue is compared with English, then no key is missing and none is extra', () => {
      expect(keys.filter((k) => catalog[k] === undefined)).toEqual([]);
      expect(Object.keys(catalog).filter((k) => !(k in english))).toEqual([]);
    });

    it('when a message has placeholders, then the translation has exactly the same ones', () => {
      const wrong = keys.filter((k) => {
        const theirs = catalog[k];
        if (theirs === undefined) return false;
        const mine = allPlaceholders(english[k]);
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
        const theirs: Message = catalog[k]!;
        expect([k, typeof theirs]).toEqual([k, typeof english[k]]);
        if (typeof theirs === 'string') continue;
        expect([k, [...needed].filter((c) => !(c in theirs))]).toEqual([k, []]);
      }
    });

    it('when a message is a sentence, then it is translated, not copied from English', () => {
      const copied = keys.filter((k) => JSON.stringify(catalog[k]) === JSON.stringify(english[k]) && !wordless(english[k]) && !(sameAsEnglish[lang] ?? []).includes(k));
      expect(copied).toEqual([]);
      expect(keys.filter((k) => forms(catalog[k]!).some((f) => !f.trim()))).toEqual([]);
    });
  });
}
