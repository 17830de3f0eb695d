// The random source: injected so tests can be repeatable where they need to be.
import crypto from 'node:crypto';

export interface RandomSource {
  bytes(n: number): Buffer;
}

export const cryptoRandom: RandomSource = { bytes: (n) => crypto.randomBytes(n) };

const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';

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
