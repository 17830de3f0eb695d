// The logger: pino, with identifiers redacted by key and by shape before anything is written;
// JSON lines for log shippers, or readable lines for journalctl (LOG_FORMAT=pretty).
import pino, { type Logger, type DestinationStream } from 'pino';
import { redactString, redactValue } from './privacy/redact';

export type { Logger };

/** `json`: one JSON object a line, for log shippers. `pretty`: "INFO: portal listening {…}", for people. */
export type LogFormat = 'json' | 'pretty';

/** LOG_FORMAT for commands without a config file (the agent): unset is json; anything else is an error. */
export function logFormatFrom(value: string | undefined): LogFormat {
  if (value === undefined || value === '' || value === 'json' || value === 'pretty') return value === 'pretty' ? 'pretty' : 'json';
  throw new Error(`LOG_FORMAT must be "json" (for log shippers) or "pretty" (readable lines), not "${value}".`);
}

/** Keys that must never reach a log, wherever they appear. */
const SECRET_KEYS = ['ip', 'mac', 'token', 'pseudonym', 'code', 'remoteAddress', 'password', 'cookie', 'authorization'];

export function createLogger(level: string, destination?: DestinationStream, format: LogFormat = 'json'): Logger {
  const out = destination ?? pino.destination({ fd: 1, sync: false });
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`)], censor: '[redacted]' },
      formatters: { log: (obj) => redactValue(obj) as Record<string, unknown> },
      hooks: {
        logMethod(args, method) {
          // An error logged on its own gives pino its message as the line's text: redacted here,
          // as the formatter below only sees the error's fields.
          const [first, ...rest] = args as unknown[];
          const spread = first instanceof Error && typeof rest[0] !== 'string' ? [{ err: first }, first.message, ...rest] : args;
          const clean = spread.map((a) => (typeof a === 'string' ? redactString(a) : a));
          return method.apply(this, clean as Parameters<typeof method>);
        },
      },
    },
    // Redaction happens above, before the line is serialised, so the readable format gets
    // only what the JSON would have held.
    format === 'pretty' ? prettyStream(out) : out,
  );
}

/**
 * pino-pretty in this thread (no worker), "INFO: message {fields}": one line per entry, errors
 * too (pino-pretty would spread their stack over lines; here it stays an escaped string), because
 * journald makes every line its own entry; no time, because journald stamps each entry; no
 * colours, which journalctl and log files would show as escape codes. Loaded only when asked for.
 */
function prettyStream(destination: DestinationStream): DestinationStream {
  const pretty = require('pino-pretty') as typeof import('pino-pretty');
  return pretty({ destination, colorize: false, ignore: 'time', hideObject: true, messageFormat: oneLine, sync: true });
}

function oneLine(log: Record<string, unknown>, messageKey: string): string {
  const { [messageKey]: msg, level: _level, time: _time, ...fields } = log;
  const text = typeof msg === 'string' ? msg : '';
  return Object.keys(fields).length ? `${text} ${JSON.stringify(fields)}` : text;
}
