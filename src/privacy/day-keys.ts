// Daily keys: per local day, one key for device pseudonyms and one for address encryption.
// They live in memory and in one owner-only file in DATA_DIR, never in the shared store, and
// are destroyed once that day's records have expired (which crypto-shreds any copy left behind).
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import type { Clock } from '../domain/clock';
import { addDays, localDate } from '../domain/local-time';
import type { RandomSource } from './random';

export interface DayKey {
  pseudonym: Buffer;
  address: Buffer;
}

/** How many days a key is kept: today and yesterday (a session may run across midnight, at most 24 h). */
export const KEY_DAYS_KEPT = 2;

export const KEY_FILE = 'day-keys.json';

export class DayKeyring {
  private readonly keys = new Map<string, DayKey>();
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly clock: Clock,
    private readonly tz: string,
    private readonly random: RandomSource,
  ) {
    this.file = path.join(dataDir, KEY_FILE);
    this.load();
  }

  /** Today's local date in the library's time zone. */
  today(): string {
    return localDate(this.clock.now(), this.tz);
  }

  /** The key of a day; today's is created on first use. Undefined for a destroyed or unknown day. */
  get(day: string): DayKey | undefined {
    let key = this.keys.get(day);
    if (!key && day === this.today()) {
      key = { pseudonym: this.random.bytes(32), address: this.random.bytes(32) };
      this.keys.set(day, key);
      this.save();
    }
    return key;
  }

  /** Days that still have a key. */
  days(): string[] {
    return [...this.keys.keys()].sort();
  }

  /** Destroys the keys of days whose records have all expired. Returns the days destroyed. */
  prune(): string[] {
    const oldestKept = addDays(this.today(), -(KEY_DAYS_KEPT - 1));
    const gone = [...this.keys.keys()].filter((d) => d < oldestKept);
    for (const d of gone) {
      const k = this.keys.get(d)!;
      k.pseudonym.fill(0);
      k.address.fill(0);
      this.keys.delete(d);
    }
    if (gone.length) this.save();
    return gone;
  }

  /** HMAC-SHA256(dayKey, identifier): today's pseudonym for a device. */
  pseudonym(day: string, identifier: string): string {
    const key = this.get(day);
    if (!key) throw new Error(`no pseudonym key for ${day}`);
    return crypto.createHmac('sha256', key.pseudonym).update(identifier.toLowerCase()).digest('base64url');
  }

  /** Encrypts a small JSON value with AES-256-GCM under the day's address key. */
  seal(day: string, value: unknown): string {
    const key = this.get(day);
    if (!key) throw new Error(`no address key for ${day}`);
    const iv = this.random.bytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', key.address, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** Decrypts what `seal` made; undefined when the day's key is gone or the data was altered. */
  open<T>(day: string, sealed: string): T | undefined {
    const key = this.keys.get(day);
    if (!key) return undefined;
    try {
      const buf = Buffer.from(sealed, 'base64url');
      const decipher = crypto.createDecipheriv('aes-256-gcm', key.address, buf.subarray(0, 12));
      decipher.setAuthTag(buf.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString('utf8');
      return JSON.parse(plain) as T;
    } catch {
      return undefined;
    }
  }

  private load(): void {
    let raw: string;
    try {
      raw = fs.readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    const data = JSON.parse(raw) as Record<string, { p: string; a: string }>;
    for (const [day, k] of Object.entries(data)) {
      this.keys.set(day, { pseudonym: Buffer.from(k.p, 'base64'), address: Buffer.from(k.a, 'base64') });
    }
    this.prune();
  }

  private save(): void {
    const data: Record<string, { p: string; a: string }> = {};
    for (const [day, k] of this.keys) data[day] = { p: k.pseudonym.toString('base64'), a: k.address.toString('base64') };
    fs.mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
    fs.renameSync(tmp, this.file);
  }
}
