// Searching stored bytes for a secret in every spelling an operator could read back: as typed,
// upper case, hex and base64 of an IPv4 address, with and without separators, UTF-8 and UTF-16.
import fs from 'node:fs';
import path from 'node:path';
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
  return [...out];
}

/** Each place a value turns up, as "<spelling> in <where>". */
export function findLeaks(values: string[], haystacks: Haystack[]): string[] {
  const leaks: string[] = [];
  for (const v of values) {
    for (const s of spellings(v)) {
      for (const h of haystacks) {
        const data = typeof h.data === 'string' ? Buffer.from(h.data) : h.data;
        if (data.includes(Buffer.from(s)) || data.includes(Buffer.from(s, 'utf16le'))) leaks.push(`${s} in ${h.where}`);
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
