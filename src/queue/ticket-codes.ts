// The two secrets of a ticket: the holder's key (in their ticket link) and the claim code typed
// at the PC, derived from the key so the ticket page can show it again. The store keeps only
// hashes of both; nothing here names a patron or a device.
import crypto from 'node:crypto';
import { CODE_ALPHABET, normaliseCode, type RandomSource } from '../privacy/random';

/** Characters in a claim code (31^6, about 887 million; a hold takes MAX_WRONG_CLAIMS tries). */
export const CLAIM_CODE_LENGTH = 6;

const sha = (s: string) => crypto.createHash('sha256').update(s).digest();

/** A new holder's key: 128 random bits, base64url. */
export function newTicketKey(random: RandomSource): string {
  return random.bytes(16).toString('base64url');
}

/** Whether a string can be a ticket key (links are checked before any store call). */
export function isTicketKey(s: string): boolean {
  return /^[A-Za-z0-9_-]{22}$/.test(s);
}

/** What the store keeps of a key. */
export function keyHash(key: string): string {
  return sha(`ticket-key:${key}`).toString('base64url');
}

/** The claim code of a ticket, as shown to its holder ("7KQ-M3P" is shown as two halves). */
export function claimCodeOf(key: string): string {
  const bytes = sha(`claim-code:${key}`);
  let code = '';
  for (let i = 0; i < CLAIM_CODE_LENGTH; i++) code += CODE_ALPHABET[bytes[i]! % CODE_ALPHABET.length];
  return code;
}

/** A claim code split for reading aloud: "7KQ M3P". */
export function spacedCode(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}

/** What the store keeps of a claim code, from the code as typed (case, spaces and dashes do not matter). */
export function claimHash(typed: string): string {
  return sha(`claim-hash:${normaliseCode(typed)}`).toString('base64url');
}
