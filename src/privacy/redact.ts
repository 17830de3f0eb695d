// Log redaction, the second line of defence: scrubs anything shaped like an IP or MAC address,
// in every spelling a log line might carry. The first line is not to log identifiers at all.
import ipaddr from 'ipaddr.js';

export const REDACTED = '[redacted]';

const HEX2 = '[0-9a-f]{2}';
const HEX4 = '[0-9a-f]{4}';
/** MACs: a4:5e:60:d1:22:9f, a4-5e-60-d1-22-9f, a45e60d1229f and Cisco's a45e.60d1.229f. */
const MAC = new RegExp(
  `(?<![0-9a-f:.-])(?:${HEX2}(?:[:-]${HEX2}){5}|${HEX4}\\.${HEX4}\\.${HEX4}|[0-9a-f]{12})(?![0-9a-f:.-]*[0-9a-f])`,
  'gi',
);
/**
 * IPv6 candidates: runs of hex groups and colons (with an optional dotted IPv4 tail, as in
 * ::ffff:10.1.2.3, and an optional zone), checked with ipaddr.js so that times ("10:23:20") and
 * stack positions are left alone. A full address has seven colons; a shorter one has "::".
 */
const IPV6 = /(?<![0-9a-z:])(?:[0-9a-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9a-f]{1,4})?(?:%[\w.]+)?(?![\w:])/gi;
/** IPv4: dotted decimal, dotted hex (0x0a.0x01.0x02.0x03), 0x0a010203, /proc/net's 0302010A:0050. */
const IPV4_DOTTED = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d]|\.\d)/g;
const IPV4_DOTTED_HEX = /\b(?:0x[0-9a-f]{1,2}\.){3}0x[0-9a-f]{1,2}\b/gi;
const IPV4_HEX = /\b0x[0-9a-f]{8}\b|\b[0-9a-f]{8}:[0-9a-f]{4}\b/gi;
/** IPv4 as one decimal number (ping 167838211 reaches 10.1.2.3): any 8–10 digit number in range. */
const IPV4_DECIMAL = /(?<![\w.])\d{8,10}(?![\w.]|\.\d)/g;
const IPV4_MIN = 2 ** 24; // 1.0.0.0: smaller numbers are not taken for addresses

function ipv6(candidate: string): boolean {
  const bare = candidate.replace(/%[\w.]+$/, '');
  if (!bare.includes('::') && (bare.match(/:/g) ?? []).length < 6) return false;
  return ipaddr.IPv6.isValid(bare);
}

export function redactString(s: string): string {
  return s
    .replace(IPV6, (m) => (ipv6(m) ? REDACTED : m))
    .replace(MAC, REDACTED)
    .replace(IPV4_DOTTED_HEX, REDACTED)
    .replace(IPV4_HEX, REDACTED)
    .replace(IPV4_DOTTED, REDACTED)
    .replace(IPV4_DECIMAL, (m) => (Number(m) >= IPV4_MIN && Number(m) <= 0xffffffff ? REDACTED : m));
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
