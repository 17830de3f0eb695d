// A live session's record as the store holds it, made again from the live session (the live view
// keeps neither the sealed address nor the pseudonym): the address it holds, sealed under the
// current epoch key, and the pseudonym derived again from it, as a grant derives it.
import type { DayKeyring } from '../privacy/day-keys';
import type { SessionRecord } from '../store/types';
import type { LiveSession } from './live-view';

/** The session's address and MAC sealed under the current epoch's key. */
export function sealAddress(keys: Pick<DayKeyring, 'seal'>, s: Pick<LiveSession, 'ip' | 'mac'>): string {
  return keys.seal(s.mac ? { ip: s.ip, mac: s.mac } : { ip: s.ip });
}

/**
 * The full record of a live session, to write it back; undefined once its day's pseudonym key
 * is gone (that day's sessions are being purged, not written again).
 */
export function storedRecord(keys: Pick<DayKeyring, 'seal' | 'get' | 'pseudonym'>, s: LiveSession): SessionRecord | undefined {
  const { epoch: _epoch, ...r } = s.record;
  if (!keys.get(r.day)) return undefined;
  return { ...r, pseudonym: keys.pseudonym(r.day, s.mac ?? s.ip), sealedAddress: sealAddress(keys, s) };
}
