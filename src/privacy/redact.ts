// Log redaction, the second line of defence: scrubs anything shaped like an IP or MAC address.
// The first line is not to log identifiers at all.

const MAC = /\b[0-9a-f]{2}(?:[:-][0-9a-f]{2}){5}\b/gi;
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/g;
// Any run with two or more colons between hex groups, including "::1" and "fe80::1%eth0".
const IPV6 = /(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:%[\w.]+)?/gi;

export const REDACTED = '[redacted]';

export function redactString(s: string): string {
  return s
    .replace(MAC, REDACTED)
    .replace(IPV4, REDACTED)
    .replace(IPV6, (m, offset: number, all: string) => {
      // A stack position such as "index.cjs:123:45" is a file's line and column, not an address.
      if (/^:\d+:\d+$/.test(m) && /\.[cm]?[jt]s$|\.ejs$/.test(all.slice(Math.max(0, offset - 5), offset))) return m;
      return /[0-9a-f]/i.test(m) || m.includes('::') ? REDACTED : m;
    });
}

/** Deep-copies a log object, scrubbing every string in it. */
export function redactValue(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return redactString(v);
  if (depth > 6 || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => redactValue(x, depth + 1));
  if (v instanceof Error) return { type: v.name, message: redactString(v.message), stack: v.stack ? redactString(v.stack) : undefined };
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = redactValue(x, depth + 1);
  return out;
}
