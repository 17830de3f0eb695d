// The random source: injected so tests can be repeatable where they need to be.
import crypto from 'node:crypto';

export interface RandomSource {
  bytes(n: number): Buffer;
}

export const cryptoRandom: RandomSource = { bytes: (n) => crypto.randomBytes(n) };

/** A random UUID (version 4, RFC 9562) drawn from the random source. */
export function randomUuid(random: RandomSource): string {
  const b = random.bytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

/** A short code a person can read aloud: no 0/O, 1/I/L. */
export function readableCode(random: RandomSource, length = 6): string {
  const bytes = random.bytes(length);
  let s = '';
  for (const b of bytes) s += CODE_ALPHABET[b % CODE_ALPHABET.length];
  return s;
}

/** Normalises a code typed by a person: upper case, spaces and dashes dropped. */
export function normaliseCode(s: string): string {
  return s.toUpperCase().replace(/[\s-]/g, '');
}
