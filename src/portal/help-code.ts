// The help code of a device whose day's time is used up: six characters to read to staff, the
// same all day on that device (derived from today's pseudonym key, so nothing is stored to show
// it), shown only to that device, and useless tomorrow (the day key is destroyed at midnight).
import type { DayKeyring } from '../privacy/day-keys';
import { readableCode } from '../privacy/random';
import type { ClientAddress } from '../sessions/session-types';

export const HELP_CODE_LENGTH = 6;

export function helpCodeFor(keys: DayKeyring, client: ClientAddress): string {
  const digest = Buffer.from(keys.pseudonym(keys.today(), `help:${client.mac ?? client.ip}`), 'base64url');
  return readableCode({ bytes: (n) => digest.subarray(0, n) }, HELP_CODE_LENGTH);
}

/** "K7Q M2P": the code as shown and read aloud. */
export function formatHelpCode(code: string): string {
  return `${code.slice(0, 3)} ${code.slice(3)}`;
}
