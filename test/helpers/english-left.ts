// Finds English left on a page shown in another language: any English message (patron or staff
// catalogue), cut at its placeholders, whose piece of 12 characters or more the translation does
// not share; and any word of the English catalogues that the language's own catalogues never use
// and that is not a name the page rightly shows (zone, library, account, workstation names,
// language names). Commands and codes in <code> and <pre> are left as they are, by design.
import { en } from '../../src/i18n/en';
import { enLearn } from '../../src/i18n/en-learn';
import { enPrivacy } from '../../src/i18n/en-privacy';
import { CATALOGS } from '../../src/i18n/translate';
import { LANGUAGES, type Lang } from '../../src/i18n/languages';
import type { Message } from '../../src/i18n/message';
import { STAFF_CATALOGS, staffEn } from '../../src/i18n/staff/catalogue';

const texts = (catalog: Readonly<Record<string, Message | undefined>>) =>
  Object.values(catalog).flatMap((m) => (m === undefined ? [] : typeof m === 'string' ? [m] : Object.values(m)));
const words = (s: string) => (s.replace(/\{\w+\}/g, ' ').match(/\p{L}[\p{L}'’-]*\p{L}|\p{L}/gu) ?? []).map((w) => w.toLowerCase());

const decode = (s: string) =>
  s
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');

/**
 * What a person reads or hears on a page in its language: text nodes, titles and labels; no
 * code (nor the random codes of class code or pass-code), no hidden values, and nothing marked as another language (lang="en" on the pass card's
 * how-to, the language names of the switcher).
 */
export function readableText(html: string, lang: Lang): string[] {
  const body = html
    .replace(/<(script|style|code|pre)\b[\s\S]*?<\/\1>/gi, ' ')
    // Random codes shown to be typed (session, pass and claim codes): "KEY 6AP" is no English.
    .replace(/<(\w+)\b[^>]*\sclass="(?:[^"]*\s)?(?:code|pass-code)(?:\s[^"]*)?"[^>]*>[^<]*<\/\1>/g, ' ')
    .replace(/<(?!html\b)(\w+)\b[^>]*\slang="([\w-]+)"[^>]*>[\s\S]*?<\/\1>/g, (all, _tag: string, l: string) => (l === lang ? all : ' '))
    .replace(/<input\b[^>]*type="hidden"[^>]*>/gi, ' ');
  const attrs = [...body.matchAll(/\s(?:aria-label|title|placeholder|alt)="([^"]*)"/g)].map((m) => m[1]!);
  const nodes = body.split(/<[^>]*>/);
  return [...nodes, ...attrs].map((s) => decode(s).replace(/\s+/g, ' ').trim()).filter(Boolean);
}

export interface EnglishLeft {
  /** Whole English sentences (or long pieces of them) found on the page. */
  sentences: string[];
  /** Text nodes holding English words the language does not use, with those words. */
  words: Record<string, string[]>;
}

export function englishDetector(lang: Lang, allowedNames: readonly string[]) {
  const theirs = { ...CATALOGS[lang], ...STAFF_CATALOGS[lang] } as Record<string, Message | undefined>;
  const english = { ...en, ...staffEn } as Record<string, Message>;
  const pieces = Object.entries(english)
    .filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(theirs[k]))
    .flatMap(([, v]) => (typeof v === 'string' ? [v] : Object.values(v)))
    .flatMap((v) => v.split(/\{\w+\}/))
    .map((s) => s.trim())
    .filter((s) => s.length >= 12);
  // The language's own vocabulary (patron and staff), and names that are no words of any language.
  const months = [new Intl.DateTimeFormat(lang, { month: 'long', timeZone: 'UTC' }), new Intl.DateTimeFormat(lang, { month: 'short', timeZone: 'UTC' })];
  const weekdays = [new Intl.DateTimeFormat(lang, { weekday: 'long', timeZone: 'UTC' }), new Intl.DateTimeFormat(lang, { weekday: 'short', timeZone: 'UTC' })];
  const calendar = [...Array.from({ length: 12 }, (_, m) => months.map((f) => f.format(Date.UTC(2026, m, 15)))), ...Array.from({ length: 7 }, (_, d) => weekdays.map((f) => f.format(Date.UTC(2026, 10, 16 + d))))].flat();
  const own = new Set([...texts(theirs), ...calendar].flatMap(words));
  const allowed = new Set([...allowedNames, ...Object.values(LANGUAGES).map((l) => l.name), 'Threshold', 'CSV', 'PDF'].flatMap(words));
  const englishWords = new Set(
    [...texts(english), ...texts(enLearn as Record<string, Message>), ...texts(enPrivacy as Record<string, Message>)]
      .flatMap(words)
      .filter((w) => w.length >= 3 && !own.has(w) && !allowed.has(w)),
  );
  return (html: string): EnglishLeft => {
    const nodes = readableText(html, lang);
    const all = nodes.join(' \n ');
    const found: Record<string, string[]> = {};
    for (const text of nodes) {
      const english = words(text).filter((w) => englishWords.has(w));
      if (english.length) found[text] = [...new Set(english)];
    }
    return { sentences: [...new Set(pieces.filter((p) => all.includes(p)))], words: found };
  };
}
