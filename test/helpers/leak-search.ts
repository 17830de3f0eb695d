// Searching stored bytes for a secret in every spelling an operator could read back: as typed,
// upper case, hex and base64 (of the text and of the bytes, at every alignment), with and
// without separators (MACs also dashed and Cisco-dotted), IPv6 full and compressed, UTF-8 and
// UTF-16, and the raw bytes of an address (as a BLOB or a binary value would hold them).
import fs from 'node:fs';
import path from 'node:path';
import ipaddr from 'ipaddr.js';
import type { RedisClient } from '../../src/store/redis/connection';
import type { PersistentRedis } from './persistent-redis';
import { connectTestRedis } from './redis';

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
  if (/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(value)) {
    const hex = value.replace(/:/g, '').toLowerCase();
    out.add(value.replace(/:/g, '-')).add(`${hex.slice(0, 4)}.${hex.slice(4, 8)}.${hex.slice(8)}`);
  }
  if (ipaddr.IPv6.isValid(value) && !/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i.test(value)) {
    const v6 = ipaddr.IPv6.parse(value);
    const full = v6.parts.map((p) => p.toString(16).padStart(4, '0')).join(':');
    out.add(v6.toNormalizedString()).add(v6.toString()).add(full).add(full.replace(/:/g, ''));
  }
  return [...new Set([...out].flatMap((s) => [s, s.toUpperCase()]))];
}

/** The raw bytes of an IP or MAC address, or undefined for anything else. */
export function rawBytes(value: string): Buffer | undefined {
  if (/^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i.test(value)) return Buffer.from(value.replace(/[:-]/g, ''), 'hex');
  if (ipaddr.isValid(value)) return Buffer.from(ipaddr.parse(value).toByteArray());
  return undefined;
}

/**
 * What base64 (standard or URL-safe) of `data` looks like inside a longer encoded value, at each
 * of the three byte alignments: only the characters that depend on `data` alone.
 */
export function base64Inside(data: Buffer): string[] {
  const out = new Set<string>();
  for (const shift of [0, 1, 2]) {
    const enc = Buffer.concat([Buffer.alloc(shift), data]).toString('base64').replace(/=+$/, '');
    const head = shift === 0 ? 0 : shift + 1;
    const tail = (shift + data.length) % 3 === 0 ? enc.length : enc.length - 1;
    const core = enc.slice(head, tail);
    // Shorter cores would turn up by chance in kilobytes of ciphertext.
    if (core.length >= 8) out.add(core).add(core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return [...out];
}

/** Each place a value turns up, as "<spelling> in <where>". */
export function findLeaks(values: string[], haystacks: Haystack[]): string[] {
  const leaks: string[] = [];
  for (const v of values) {
    const needles: [string, Buffer][] = spellings(v).flatMap((s): [string, Buffer][] => [
      [s, Buffer.from(s)],
      [`${s} (UTF-16)`, Buffer.from(s, 'utf16le')],
      ...base64Inside(Buffer.from(s)).map((b): [string, Buffer] => [`${s} (base64 of the text)`, Buffer.from(b)]),
    ]);
    const raw = rawBytes(v);
    if (raw) {
      needles.push([`${v} (raw bytes)`, raw]);
      for (const b of base64Inside(raw)) needles.push([`${v} (base64 of the bytes)`, Buffer.from(b)]);
    }
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

/** Everything a Redis of the test's own holds: a snapshot written now, its files (AOF, RDB, log), its keyspace. */
export async function redisHaystacks(redis: PersistentRedis): Promise<Haystack[]> {
  await redis.save();
  const c = await connectTestRedis(redis.url);
  try {
    return [...filesUnder(redis.dir), ...(await redisContents(c))];
  } finally {
    await c.quit();
  }
}

/** Copies DATA_DIR without KEYS_DIR into `copy`, as an operator's backup would, and reads the copy. */
export function copyWithoutKeys(dataDir: string, keysDir: string, copy: string): Haystack[] {
  fs.cpSync(dataDir, copy, { recursive: true, filter: (src) => !src.startsWith(keysDir) });
  return filesUnder(copy).map((h) => ({ ...h, where: `copy of DATA_DIR: ${h.where}` }));
}
