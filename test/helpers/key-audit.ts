// The attacker's side of the privacy audit: every key left in KEYS_DIR, every sealed value found
// in any byte written, each tried with every key (not only the one its label names), and every
// device's pseudonym computed under every day key left.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { KEY_FILE } from '../../src/privacy/key-file';
import type { Haystack } from './leak-search';

export interface KeysLeft {
  days: Buffer[];
  addresses: Buffer[];
}

/** Every key in a key directory, as an operator would read it. */
export function keysLeft(keysDir: string): KeysLeft {
  const file = path.join(keysDir, KEY_FILE);
  if (!fs.existsSync(file)) return { days: [], addresses: [] };
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { days: Record<string, string>; epochs: Record<string, string> };
  return {
    days: Object.values(data.days).map((k) => Buffer.from(k, 'base64')),
    addresses: Object.values(data.epochs).map((k) => Buffer.from(k, 'base64')),
  };
}

/** Every value shaped like a sealed address (`e<epoch>.<base64url>`) anywhere in the haystacks. */
export function sealedValues(haystacks: Haystack[]): string[] {
  const out = new Set<string>();
  for (const h of haystacks) {
    const text = typeof h.data === 'string' ? h.data : h.data.toString('latin1');
    for (const m of text.matchAll(/e\d{5,}\.([A-Za-z0-9_-]{40,})/g)) out.add(m[1]!);
  }
  return [...out];
}

/** The plaintext of each sealed value that some key opens. */
export function openWithAny(sealed: string[], keys: Buffer[]): string[] {
  const opened: string[] = [];
  for (const s of sealed) {
    const buf = Buffer.from(s, 'base64url');
    for (const key of keys) {
      try {
        const d = crypto.createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
        d.setAuthTag(buf.subarray(12, 28));
        opened.push(Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8'));
        break;
      } catch {
        // not this key
      }
    }
  }
  return opened;
}

/** Every pseudonym the identifiers would have under any of the day keys. */
export function pseudonymsUnder(keys: Buffer[], identifiers: string[]): Set<string> {
  const out = new Set<string>();
  for (const k of keys) for (const id of identifiers) out.add(crypto.createHmac('sha256', k).update(id.toLowerCase()).digest('base64url'));
  return out;
}
