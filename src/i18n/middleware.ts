// Chooses each request's language (an explicit ?lang=xx, else Accept-Language) and gives the
// views its translator, writing direction, a language switcher and links that keep the choice.
// No cookie: an explicit choice travels in the links, forms and redirects of the pages.
import type { Request, RequestHandler, Response } from 'express';
import { isLocalPath } from '../http/local-path';
import { LANGUAGES, SUPPORTED, isLang, negotiate, type Lang } from './languages';
import { translator, type Translate } from './translate';

/** One entry of the language switcher. */
export interface LanguageLink {
  code: Lang;
  /** The language's name for itself. */
  name: string;
  href: string;
  current: boolean;
}

export function languageMiddleware(opts: { portalUrl?: string; only?: Lang } = {}): RequestHandler {
  const translators = new Map<Lang, Translate>(SUPPORTED.map((l) => [l, translator(l)]));
  const base = opts.portalUrl?.replace(/\/+$/, '');
  return (req, res, next) => {
    if (opts.only) {
      Object.assign(res.locals, { lang: opts.only, dir: LANGUAGES[opts.only].dir, t: translators.get(opts.only), url: (u: string) => u, languageLinks: [] });
      return next();
    }
    const asked = req.query.lang;
    const chosen = isLang(asked) ? asked : undefined;
    const lang = chosen ?? negotiate(req.headers['accept-language']);
    // A shared cache must not give one patron's language to another.
    if (!chosen) res.vary('Accept-Language');
    res.locals.lang = lang;
    res.locals.dir = LANGUAGES[lang].dir;
    res.locals.t = translators.get(lang);
    res.locals.chosenLang = chosen;
    res.locals.url = (target: string) => (chosen ? keepLanguage(target, chosen, base) : target);
    res.locals.languageLinks = SUPPORTED.map((code): LanguageLink => ({ code, name: LANGUAGES[code].name, href: switchTo(req, code), current: code === lang }));
    if (chosen) keepLanguageOnRedirect(res, chosen, base);
    next();
  };
}

/** Adds lang=xx to a link to one of the portal's own pages; other links are left alone. */
export function keepLanguage(url: string, lang: Lang, base?: string): string {
  const local = isLocalPath(url) || (base !== undefined && (url === base || url.startsWith(`${base}/`)));
  if (!local) return url;
  const hash = url.indexOf('#');
  const fragment = hash === -1 ? '' : url.slice(hash);
  const rest = hash === -1 ? url : url.slice(0, hash);
  const q = rest.indexOf('?');
  const params = new URLSearchParams(q === -1 ? '' : rest.slice(q + 1));
  params.set('lang', lang);
  return `${q === -1 ? rest : rest.slice(0, q)}?${params.toString()}${fragment}`;
}

/**
 * The same page in another language; after a form post, or when the path asked for could lead
 * off the portal ("//host", "/\host", encoded forms), the start page in that language.
 */
function switchTo(req: Request, lang: Lang): string {
  if ((req.method !== 'GET' && req.method !== 'HEAD') || !isLocalPath(req.originalUrl)) return keepLanguage('/', lang);
  return keepLanguage(req.originalUrl, lang);
}

/** Every route that redirects to a page of its own keeps the patron's chosen language. */
function keepLanguageOnRedirect(res: Response, lang: Lang, base?: string): void {
  const redirect = res.redirect.bind(res) as (status: number, url: string) => void;
  res.redirect = ((statusOrUrl: number | string, url?: number | string) => {
    if (typeof statusOrUrl === 'number') return redirect(statusOrUrl, keepLanguage(String(url), lang, base));
    return redirect(302, keepLanguage(statusOrUrl, lang, base));
  }) as Response['redirect'];
}
