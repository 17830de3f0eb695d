// The one error middleware: HTML for browsers, JSON for API clients; 5xx detail hidden and logged.
import type { ErrorRequestHandler, Request } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../logger';
import { AppError } from './errors';

/** Turns errors thrown by libraries (body parsers, CSRF, schemas) into AppErrors. */
export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    const fields: Record<string, string> = {};
    for (const i of err.issues) fields[i.path.join('.') || 'body'] = i.message;
    return new AppError(400, 'invalid_input', 'Some of what was sent is not valid: ' + Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('; '), { fields });
  }
  const e = err as { type?: string; status?: number; statusCode?: number; code?: string };
  if (e?.code === 'EBADCSRFTOKEN') {
    return new AppError(403, 'csrf', 'This form has expired or did not come from this page. Go back, reload the page and try again.', { title: 'Please try again' });
  }
  switch (e?.type) {
    case 'entity.too.large':
      return new AppError(413, 'too_large', 'What was sent is too large. Send less and try again.');
    case 'entity.parse.failed':
      return new AppError(400, 'malformed', 'The request body could not be read: it is not valid JSON or form data.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new AppError(415, 'unsupported_encoding', 'The request uses an encoding this server does not accept. Send UTF-8.');
    case 'parameters.too.many':
      return new AppError(413, 'too_many_parameters', 'The form has too many fields.');
  }
  const status = e?.status ?? e?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(status, 'bad_request', 'The request could not be handled as sent.');
  }
  return undefined;
}

export function wantsJson(req: Request): boolean {
  if (req.path.startsWith('/api/')) return true;
  return req.accepts(['html', 'json']) === 'json';
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    const appErr = toAppError(err);
    const status = appErr?.status ?? 500;
    if (!appErr) logger.error({ err, method: req.method, route: req.route?.path ?? 'unmatched' }, 'request failed');
    const title = appErr?.title ?? 'Something went wrong on our side';
    const message = appErr?.message ?? 'The server could not finish this request. Please try again in a moment; if it keeps happening, tell library staff.';
    for (const [k, v] of Object.entries(appErr?.headers ?? {})) res.setHeader(k, v);
    res.status(status);
    if (wantsJson(req)) {
      res.json({ error: { code: appErr?.code ?? 'internal', message, ...(appErr?.fields ? { fields: appErr.fields } : {}) } });
      return;
    }
    // A surface may bring its own error page (the staff console sets res.locals.errorView).
    const view = typeof res.locals.errorView === 'string' ? res.locals.errorView : 'errors/error';
    res.render(view, { title, message, status }, (renderErr, html) => {
      if (renderErr) {
        logger.error({ err: renderErr }, 'error page failed to render');
        res.type('text/plain').send(`${title}\n\n${message}\n`);
        return;
      }
      res.type('html').send(html);
    });
  };
}
