// Enrolment codes and workstation tokens: random, shown once, kept only as SHA-256 hashes.
// A fast hash is enough here (unlike passwords): a token is 256 random bits, and a code is
// one-time, short-lived and guarded by a rate limit. It also lets the store look a token up.
import crypto from 'node:crypto';
import { normaliseCode, readableCode, type RandomSource } from '../privacy/random';

/** Characters in an enrolment code (about 59 bits), shown in groups of four. */
const CODE_LENGTH = 12;

/** A new enrolment code such as `7KQM-PX3T-9HWA`, easy to read out and type. */
export function newEnrolmentCode(random: RandomSource): string {
  return readableCode(random, CODE_LENGTH).replace(/(.{4})(?=.)/g, '$1-');
}

/** The hash an enrolment code is kept under; spaces, dashes and case do not matter. */
export function hashEnrolmentCode(code: string): string {
  return sha256(normaliseCode(code));
}

/** A new bearer token for a workstation: 256 random bits. */
export function newToken(random: RandomSource): string {
  return random.bytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return sha256(token);
}

function sha256(s: string): string {
  return crypto.createHash('sha256').update(s).digest('base64url');
}
