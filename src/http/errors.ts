// The one family of errors routes throw; the error middleware turns them into pages or JSON.
import type { DomainError, FailureKind } from '../domain/errors';
import type { MessageKey } from '../i18n/en';
import { translator } from '../i18n/translate';

const english = translator('en');

export interface AppErrorOptions {
  /** A short page title (HTML) or error code (JSON). */
  title?: string;
  /** Per-field messages, for forms and API clients. */
  fields?: Record<string, string>;
  /** An extra header to send, such as Retry-After. */
  headers?: Record<string, string>;
  cause?: unknown;
  /** The message's key, so the error page can show it in the patron's language. */
  key?: MessageKey;
  /** The title's key; by default the status's title, unless `title` is given. */
  titleKey?: MessageKey;
  /** Values for the placeholders of `key` and `titleKey`. */
  vars?: Record<string, string | number>;
  /** The page to render for browsers instead of the plain error page (the "one moment" page). */
  view?: string;
}

/** An error a person can act on: its message is shown as it is. */
export class AppError extends Error {
  readonly title: string;
  readonly fields?: Record<string, string>;
  readonly headers?: Record<string, string>;
  readonly key?: MessageKey;
  readonly titleKey?: MessageKey;
  readonly vars?: Record<string, string | number>;
  readonly view?: string;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    opts: AppErrorOptions = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    const titleKey = opts.titleKey ?? (opts.title === undefined ? statusTitleKey(status) : undefined);
    this.titleKey = titleKey;
    this.title = opts.title ?? (titleKey ? english(titleKey, opts.vars) : '');
    this.fields = opts.fields;
    this.headers = opts.headers;
    this.key = opts.key;
    this.vars = opts.vars;
    this.view = opts.view;
  }
}

/** An error whose message is a message key: shown in the patron's language, logged in English. */
export function patronError(status: number, code: string, key: MessageKey, opts: AppErrorOptions = {}): AppError {
  return new AppError(status, code, english(key, opts.vars), { ...opts, key });
}

export const badRequest = (message: string, opts?: AppErrorOptions) => new AppError(400, 'bad_request', message, opts);
export const forbidden = (message: string, opts?: AppErrorOptions) => new AppError(403, 'forbidden', message, opts);
export const notFound = (message: string, opts?: AppErrorOptions) => new AppError(404, 'not_found', message, opts);
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new AppError(429, 'too_many_requests', message, { headers: { 'Retry-After': String(retryAfterSeconds) } });

/** The status of each kind of failure a service reports. */
const STATUS: Record<FailureKind, number> = { invalid: 400, unauthenticated: 401, refused: 403, 'not-found': 404, conflict: 409, unavailable: 503 };

/** A service's error as HTTP: its kind's status, and the headers its details call for. */
export function fromDomainError(err: DomainError): AppError {
  const headers: Record<string, string> = {};
  if (err.challenge) headers['WWW-Authenticate'] = err.challenge;
  if (err.retryAfterSeconds !== undefined) headers['Retry-After'] = String(err.retryAfterSeconds);
  return new AppError(STATUS[err.kind], err.code, err.message, {
    fields: err.fields,
    headers: Object.keys(headers).length ? headers : undefined,
    key: err.key,
    titleKey: err.titleKey,
    // A part away for a moment: browsers get the "one moment" page, which tries again.
    view: err.kind === 'unavailable' ? 'portal/wait' : undefined,
    cause: err.cause,
  });
}

function statusTitleKey(status: number): MessageKey {
  switch (status) {
    case 400:
      return 'error.badRequestTitle';
    case 401:
      return 'error.signInTitle';
    case 403:
      return 'error.forbiddenTitle';
    case 404:
      return 'error.notFoundTitle';
    case 413:
      return 'error.tooLargeTitle';
    case 415:
      return 'error.unsupportedTitle';
    case 429:
      return 'tooMany.title';
    default:
      return status >= 500 ? 'error.serverTitle' : 'error.rejectedTitle';
  }
}
