// The logger: pino, with identifiers redacted by key and by shape before anything is written.
import pino, { type Logger, type DestinationStream } from 'pino';
import { redactString, redactValue } from './privacy/redact';

export type { Logger };

/** Keys that must never reach a log, wherever they appear. */
const SECRET_KEYS = ['ip', 'mac', 'token', 'pseudonym', 'code', 'remoteAddress', 'password', 'cookie', 'authorization'];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`)], censor: '[redacted]' },
      formatters: { log: (obj) => redactValue(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          const clean = args.map((a) => (typeof a === 'string' ? redactString(a) : a));
          return method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
