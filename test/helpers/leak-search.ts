// Searching stored bytes for a secret in every spelling an operator could read back: as typed,
// upper case, hex and base64, with and without separators, IPv6 written out in full, UTF-8 and
// UTF-16, and the raw bytes of an address (as a BLOB or a binary value would hold them).
import fs from 'node:fs';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import type { RedisClient } from '../../src/store/redis-url';

export interface Haystack {
  where: string;
  data: Buffer | string;
}

export function spellings(value: string): string[] {
  const out = new Set([value, value.toUpperCase()]);
  if (/^\d+\.\d+\.\d+\.\d+$/.test(value)) {
    const bytes = Buffer.from(value.split('.').map(Number));
    out.add(bytes.toString('hex')).add(bytes.toString('base64').replace(/=+$/, ''));
  }
  if (value.includes(':')) out.add(value.replace(/[:-]/g, ''));
  if (ipaddr.IPv6.isValid(value) && !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(value)) {
    const v6 = ipaddr.IPv6.parse(value);
    const full = v6.parts.map((p) => p.toString(16).padStart(4, '0')).join(':');
    out.add(v6.toNormalizedString()).add(full).add(full.replace(/:/g, ''));
  }
  return [...out];
}

/** The raw bytes of an IP or MAC address, or undefined for anything else. */
export function rawBytes(value: string): Buffer | undefined {
  if (/^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i.test(value)) return Buffer.from(value.replace(/[:-]/g, ''), 'hex');
  if (ipaddr.isValid(value)) return Buffer.from(ipaddr.parse(value).toByteArray());
  return undefined;
}

/** Each place a value turns up, as "<spelling> in <where>". */
export function findLeaks(values: string[], haystacks: Haystack[]): string[] {
  const leaks: string[] = [];
  for (const v of values) {
    const needles: [string, Buffer][] = spellings(v).flatMap((s): [string, Buffer][] => [[s, Buffer.from(s)], [`${s} (UTF-16)`, Buffer.from(s, 'utf16le')]]);
    const raw = rawBytes(v);
    if (raw) needles.push([`${v} (raw bytes)`, raw]);
    for (const [name, needle] of needles) {
      for (const h of haystacks) {
        const data = typeof h.data === 'string' ? Buffer.from(h.data) : h.data;
        if (data.includes(needle)) leaks.push(`${name} in ${h.where}`);
      }
    }
  }
  return leaks;
}

export function filesUnder(dir: string): Haystack[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : [{ where: p, data: fs.readFileSync(p) }];
  });
}

/** Every key and value in Redis, as text. */
export async function redisContents(client: RedisClient): Promise<Haystack[]> {
  const out: Haystack[] = [];
  for (const key of await client.keys('*')) {
    const type = await client.type(key);
    const value =
      type === 'string' ? await client.get(key)
      : type === 'hash' ? await client.hgetall(key)
      : type === 'zset' ? await client.zrange(key, '0', '-1', 'WITHSCORES')
      : type === 'list' ? await client.lrange(key, 0, -1)
      : type === 'set' ? await client.smembers(key)
      : null;
    out.push({ where: `redis ${key}`, data: key + JSON.stringify(value) });
  }
  return out;
}
