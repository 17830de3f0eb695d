// The one family of errors routes throw; the error middleware turns them into pages or JSON.

export interface AppErrorOptions {
  /** A short page title (HTML) or error code (JSON). */
  title?: string;
  /** Per-field messages, for forms and API clients. */
  fields?: Record<string, string>;
  /** An extra header to send, such as Retry-After. */
  headers?: Record<string, string>;
  cause?: unknown;
}

/** An error a person can act on: its message is shown as it is. */
export class AppError extends Error {
  readonly title: string;
  readonly fields?: Record<string, string>;
  readonly headers?: Record<string, string>;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    opts: AppErrorOptions = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.title = opts.title ?? defaultTitle(status);
    this.fields = opts.fields;
    this.headers = opts.headers;
  }
}

export const badRequest = (message: string, opts?: AppErrorOptions) => new AppError(400, 'bad_request', message, opts);
export const forbidden = (message: string, opts?: AppErrorOptions) => new AppError(403, 'forbidden', message, opts);
export const notFound = (message: string, opts?: AppErrorOptions) => new AppError(404, 'not_found', message, opts);
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new AppError(429, 'too_many_requests', message, { headers: { 'Retry-After': String(retryAfterSeconds) } });

function defaultTitle(status: number): string {
  switch (status) {
    case 400:
      return 'Something in the request was not right';
    case 401:
      return 'Please sign in';
    case 403:
      return 'Not allowed';
    case 404:
      return 'Page not found';
    case 413:
      return 'Too much data';
    case 415:
      return 'Unsupported data';
    case 429:
      return 'Too many requests';
    default:
      return status >= 500 ? 'Something went wrong on our side' : 'Request not accepted';
  }
}
