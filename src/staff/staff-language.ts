// The console's language for each request: the one the signed-in staff member chose (kept on
// their account), else the browser's Accept-Language (or ?lang=xx on the sign-in page, before
// anyone is known). Gives the staff views `t` (staff messages), `tx` (an English sentence a
// service wrote, in the reader's language), `dir`, dates and numbers the language's way, and
// the language switcher.
import type { Request, RequestHandler, Response } from 'express';
import { LANGUAGES, SUPPORTED, isLang, negotiate, type Lang } from '../i18n/languages';
import { isLocalPath } from '../http/local-path';
import { keepLanguage } from '../i18n/middleware';
import { staffEn } from '../i18n/staff/catalogue';
import { englishMatcher } from '../i18n/staff/from-english';
import { staffTranslator, type StaffTranslate, type TranslateEnglish } from '../i18n/staff/translate';
import { formatHhmm, localTime } from '../domain/local-time';
import { currentStaff } from './guards';

/** One entry of the console's language switcher. */
export interface ConsoleLanguage {
  code: Lang;
  /** The language's name for itself. */
  name: string;
  dir: 'ltr' | 'rtl';
  current: boolean;
  /** This page in that language, for the sign-in and setup pages (signed-in staff use the form). */
  href: string;
}

export function translateEnglish(t: StaffTranslate, match: ReturnType<typeof englishMatcher>): TranslateEnglish {
  const tx = (text: string | undefined, depth = 0): string => {
    if (text === undefined || text === '') return '';
    const m = match(text);
    if (!m) return text;
    // A parameter may itself be a message ("session" in "session 30 → 20 min").
    const vars = Object.fromEntries(Object.entries(m.vars).map(([k, v]) => [k, depth < 2 && match(v) && !/^\d/.test(v) ? tx(v, depth + 1) : v]));
    return t(m.key, vars);
  };
  return (text) => tx(text);
}

export interface StaffLanguageTools {
  translators: ReadonlyMap<Lang, StaffTranslate>;
  tx: ReadonlyMap<Lang, TranslateEnglish>;
}

export function staffLanguageTools(): StaffLanguageTools {
  const match = englishMatcher(staffEn);
  const translators = new Map(SUPPORTED.map((l) => [l, staffTranslator(l)] as const));
  return { translators, tx: new Map(SUPPORTED.map((l) => [l, translateEnglish(translators.get(l)!, match)] as const)) };
}

/**
 * The console language the account signed in on this browser chose, kept in a cookie that holds
 * nothing but the language code: while the store is away no account can be read, and the
 * console's "store away" page still speaks the staff member's language.
 */
export const STAFF_LANG_COOKIE = 'th_staff_lang';
const YEAR_MS = 365 * 86_400_000;

/** The language this browser's account chose last time (the cookie), unless a link asks for one. */
export function speakRemembered(timezone: string, tools: StaffLanguageTools): (req: Request, res: Response) => void {
  return (req, res) => {
    const kept = (req.cookies as Record<string, string> | undefined)?.[STAFF_LANG_COOKIE];
    if (isLang(kept) && !isLang(req.query.lang)) setStaffLanguage(res, kept, tools, timezone);
  };
}

/** After loadStaff: chooses the language and gives the views what they need to speak it. */
export function staffLanguage(timezone: string, tools: StaffLanguageTools = staffLanguageTools()): RequestHandler {
  return (req, res, next) => {
    const chosen = currentStaff(res)?.language;
    if (chosen && (req.cookies as Record<string, string> | undefined)?.[STAFF_LANG_COOKIE] !== chosen) {
      res.cookie(STAFF_LANG_COOKIE, chosen, { httpOnly: true, sameSite: 'strict', secure: req.secure, path: '/staff', maxAge: YEAR_MS });
    }
    const asked = !currentStaff(res) && isLang(req.query.lang) ? req.query.lang : undefined;
    const lang: Lang = chosen ?? asked ?? negotiate(req.headers['accept-language']);
    // A page's language follows the browser unless the account (or the link) chose it.
    if (!chosen && !asked) res.vary('Accept-Language');
    setStaffLanguage(res, lang, tools, timezone);
    res.locals.chosenLang = asked;
    // Where the switcher brings the staff member back to: this page, when it is a console page.
    const here = req.originalUrl;
    const back = (req.method === 'GET' || req.method === 'HEAD') && isLocalPath(here) && here.startsWith('/staff') ? here : '/staff';
    res.locals.languageBack = back;
    res.locals.consoleLanguages = SUPPORTED.map((code): ConsoleLanguage => ({
      code,
      name: LANGUAGES[code].name,
      dir: LANGUAGES[code].dir,
      current: code === lang,
      href: keepLanguage(back === '/staff' ? req.path : back, code),
    }));
    next();
  };
}

/** Sets the views' language, translators and formatters (also used after the language changes). */
export function setStaffLanguage(res: Response, lang: Lang, tools: StaffLanguageTools, timezone: string): void {
  const t = tools.translators.get(lang)!;
  const dateTime = new Intl.DateTimeFormat(lang, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: timezone });
  const numbers = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
  const decimals = new Intl.NumberFormat(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  const tx = tools.tx.get(lang)!;
  Object.assign(res.locals, {
    lang,
    dir: LANGUAGES[lang].dir,
    t,
    tx,
    fmtNumber: (n: number) => numbers.format(n),
    /** One decimal always ("2.0 h"). */
    fmtDecimal: (n: number) => decimals.format(n),
    /** A published figure ("1234", or "fewer than 5") as the reader writes it. */
    fmtFigure: (figure: string) => (/^\d+$/.test(figure) ? numbers.format(Number(figure)) : tx(figure)),
    /** A day (YYYY-MM-DD) the language's way: "3 de diciembre de 2026" (English keeps the ISO date, as its other dates). */
    fmtDay: (day: string) => (lang === 'en' ? day : new Intl.DateTimeFormat(lang, { dateStyle: 'long', timeZone: 'UTC' }).format(Date.parse(`${day}T12:00:00Z`))),
    // English keeps its compact "Tue 2026-12-01 09:00"; other languages write the date their way.
    ...(lang === 'en' ? {} : { fmtDateTime: (ms: number) => `${dateTime.format(ms)} ${formatHhmm(localTime(ms, timezone).minutes)}` }),
  });
}
