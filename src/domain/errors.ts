// What a service says when it cannot do what was asked: a kind of failure (never an HTTP
// status), a stable code and a message a person can act on. http/ maps each kind to a status.
import type { MessageKey } from '../i18n/en';

/** Why a request failed, as a service sees it. */
export type FailureKind =
  /** What was sent cannot be used; `fields` says what is wrong with each field. */
  | 'invalid'
  /** The caller did not say who it is, or its credential is not valid. */
  | 'unauthenticated'
  /** The caller is known but may not do this. */
  | 'refused'
  | 'not-found'
  /** It clashes with the current state (a name taken, the last admin). */
  | 'conflict'
  /** A part it needs is away for a moment (the shared store); trying again later works. */
  | 'unavailable';

export interface DomainErrorOptions {
  /** Per-field messages, for forms and API clients. */
  fields?: Record<string, string>;
  /** The credential the caller should send (a bearer token), with what was wrong with the one sent. */
  challenge?: string;
  /** How long to wait before trying again, in seconds. */
  retryAfterSeconds?: number;
  /** The message's key, so it can be shown in the patron's language; the title's key. */
  key?: MessageKey;
  titleKey?: MessageKey;
  cause?: unknown;
}

/** The one error family services throw. */
export class DomainError extends Error {
  readonly fields?: Record<string, string>;
  readonly challenge?: string;
  readonly retryAfterSeconds?: number;
  readonly key?: MessageKey;
  readonly titleKey?: MessageKey;
  constructor(
    readonly kind: FailureKind,
    readonly code: string,
    message: string,
    opts: DomainErrorOptions = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'DomainError';
    this.fields = opts.fields;
    this.challenge = opts.challenge;
    this.retryAfterSeconds = opts.retryAfterSeconds;
    this.key = opts.key;
    this.titleKey = opts.titleKey;
  }
}

/** Input a service cannot use, with a message per field (all joined as the message). */
export const invalidInput = (fields: Record<string, string>) => new DomainError('invalid', 'invalid_input', Object.values(fields).join(' '), { fields });
export const notFound = (message: string) => new DomainError('not-found', 'not_found', message);
