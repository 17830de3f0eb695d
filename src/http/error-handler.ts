// The one error middleware: HTML for browsers, JSON for API clients; 5xx detail hidden and logged.
import type { ErrorRequestHandler, Request } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../logger';
import { DomainError } from '../domain/errors';
import { AppError, fromDomainError, patronError } from './errors';
import { fieldErrors } from './forms';
import { translator, type Translate } from '../i18n/translate';
import { DEFAULT_LANG } from '../i18n/languages';
import { storeAway } from '../sessions/store-breaker';
import { isStoreFault } from '../store/store-faults';

/** Turns errors thrown by libraries (body parsers, CSRF, schemas) into AppErrors. */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof DomainError) return fromDomainError(err);
  if (err instanceof ZodError) {
    const fields = fieldErrors(err.issues, (path) => path.map(String).join('.') || 'body');
    const details = Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('; ');
    return patronError(400, 'invalid_input', 'error.invalidInput', { fields, vars: { details } });
  }
  const e = err as { type?: string; status?: number; statusCode?: number; code?: string };
  if (e?.code === 'EBADCSRFTOKEN') {
    return patronError(403, 'csrf', 'error.csrf', { titleKey: 'error.csrfTitle' });
  }
  switch (e?.type) {
    case 'entity.too.large':
      return patronError(413, 'too_large', 'error.tooLarge');
    case 'entity.parse.failed':
      return patronError(400, 'malformed', 'error.malformed');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return patronError(415, 'unsupported_encoding', 'error.encoding');
    case 'parameters.too.many':
      return patronError(413, 'too_many_parameters', 'error.tooManyFields');
  }
  // The store away or its disk full, met outside the patron path's breaker: "one moment", not a 500.
  if (isStoreFault(err)) return fromDomainError(storeAway(err));
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return patronError(status, 'bad_request', 'error.badRequest');
  }
  return undefined;
}

export function wantsJson(req: Request): boolean {
  if (req.path.startsWith('/api/')) return true;
  return req.accepts(['html', 'json']) === 'json';
}

/**
 * How a surface words the store's absence (res.locals.storeAway): the staff console's own page
 * and message keys instead of the patron's "one moment" page, and where it tries again after a form.
 */
export interface StoreAwayPage {
  view: string;
  titleKey: string;
  /** The message of JSON answers; `{seconds}` is the Retry-After. */
  messageKey: string;
  /** Where the page tries again after a form (a GET tries its own page again). */
  home: string;
}

/** Where the "one moment" page tries again: the same page for GET, the start page after a form. */
function retryTarget(req: Request, home = '/'): string {
  if (req.method !== 'GET' && req.method !== 'HEAD') return home;
  const url = req.originalUrl;
  // Only a plain local path goes into the Refresh header.
  return url.startsWith('/') && !url.startsWith('//') && /^[\x21-\x7e]+$/.test(url) ? url : '/';
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  const english = translator(DEFAULT_LANG);
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const appErr = toAppError(err);
    const status = appErr?.status ?? 500;
    if (!appErr) logger.error({ err, method: req.method, route: req.route?.path ?? 'unmatched' }, 'request failed');
    else if (isStoreFault(err)) logger.warn({ err, method: req.method, route: req.route?.path ?? 'unmatched' }, 'request failed: the store is away');
    // In the patron's language when the error says which message it is; as written otherwise.
    const t = (res.locals.t as Translate | undefined) ?? english;
    const retryAfter = Number(appErr?.headers?.['Retry-After']);
    // The store away, on a surface that words it its own way (the staff console).
    const away = appErr?.code === 'store_unavailable' ? (res.locals.storeAway as StoreAwayPage | undefined) : undefined;
    const say = t as (key: string, vars?: Record<string, string | number>) => string;
    const title = away ? say(away.titleKey) : !appErr ? t('error.serverTitle') : appErr.titleKey ? t(appErr.titleKey, appErr.vars) : appErr.title;
    const message = away ? say(away.messageKey, { seconds: retryAfter }) : !appErr ? t('error.server') : appErr.key ? t(appErr.key, appErr.vars) : appErr.message;
    for (const [k, v] of Object.entries(appErr?.headers ?? {})) res.setHeader(k, v);
    res.status(status);
    if (wantsJson(req)) {
      res.json({ error: { code: appErr?.code ?? 'internal', message, ...(appErr?.fields ? { fields: appErr.fields } : {}) } });
      return;
    }
    // A surface may bring its own error page (the staff console sets res.locals.errorView); an
    // error may bring its page (the "one moment" page, which tries again by itself).
    const own = typeof res.locals.errorView === 'string' ? res.locals.errorView : undefined;
    const view = away?.view ?? own ?? appErr?.view ?? 'errors/error';
    const locals: Record<string, unknown> = { title, message, status, posted: req.method !== 'GET' && req.method !== 'HEAD' };
    if ((away || (!own && appErr?.view)) && retryAfter > 0) {
      // A page loaded by GET is loaded again; after a form, the page the patron starts from.
      const target = retryTarget(req, away?.home);
      const retryUrl = !away && typeof res.locals.url === 'function' ? (res.locals.url as (u: string) => string)(target) : target;
      res.setHeader('Refresh', `${retryAfter}; url=${retryUrl}`);
      Object.assign(locals, { refreshSeconds: retryAfter, refreshUrl: retryUrl, retryUrl });
    }
    res.render(view, locals, (renderErr, html) => {
      if (renderErr) {
        logger.error({ err: renderErr }, 'error page failed to render');
        res.type('text/plain').send(`${title}\n\n${message}\n`);
        return;
      }
      res.type('html').send(html);
    });
  };
}
