// The gateway's keys: one pseudonym key per local day (destroyed when the day is over) and one
// address key per short epoch (destroyed once no live session is sealed under it). They live in
// memory and in one owner-only file in KEYS_DIR, never in the shared store or a backup; a
// destroyed key crypto-shreds every copy of what it sealed (WAL frames, AOF history, backups).
import crypto from 'node:crypto';
import type { Clock } from '../domain/clock';
import { localDate } from '../domain/local-time';
import { KeyFile, type KeyFileData } from './key-file';
import type { RandomSource } from './random';

export interface DayKey {
  pseudonym: Buffer;
}

/** Addresses are sealed under a key of a 5-minute epoch; live sessions move to the newest one. */
export const ADDRESS_EPOCH_MS = 5 * 60_000;
/** How often live sessions are re-sealed and unused address keys destroyed (the re-seal job). */
export const RESEAL_EVERY_MS = 60_000;
/**
 * The promise made in the notice: this long after a session ends, no key that opens its
 * address exists any more. One epoch plus one run of the job is 6 minutes; the rest is slack
 * for a busy gateway.
 */
export const ADDRESS_FORGOTTEN_WITHIN_MS = 10 * 60_000;
/** A day's pseudonym key lives only that day; it is destroyed at the first prune after midnight. */
export const PSEUDONYM_KEY_DAYS = 1;

/** The epoch a sealed value was made under (`d<day>` for values sealed by older versions): read from its prefix, no key needed. */
export function sealedEpoch(day: string, sealed: string): string {
  const dot = sealed.indexOf('.');
  return dot > 0 ? sealed.slice(0, dot) : `d${day}`;
}

export class DayKeyring {
  private readonly keys = new Map<string, DayKey>();
  private readonly epochKeys = new Map<string, Buffer>();
  private readonly toPurgeDays = new Set<string>();
  private readonly store: KeyFile;
  /** Set from a failed write of the key file until one succeeds (and while one is under way in the background). */
  private dirty = false;
  /** The last background write; settles once it is done, failed or dropped for a newer one. */
  private lastSave: Promise<void> = Promise.resolve();
  /** Why the last background write failed, until a write succeeds. */
  private saveError: unknown;

  /**
   * @param keysDir KEYS_DIR, created 0700 if missing
   * @param legacyDir where an older Threshold kept `day-keys.json` (DATA_DIR), migrated once
   */
  constructor(
    keysDir: string,
    private readonly clock: Clock,
    private readonly tz: string,
    private readonly random: RandomSource,
    legacyDir?: string,
  ) {
    this.store = new KeyFile(keysDir, legacyDir);
    this.load(this.store.read());
    // Days over while Threshold was stopped: destroyed now, on disk before anything else runs,
    // and purged by the next pruneKeys().
    if (this.pruneDays().length) this.save();
  }

  /** The key file's path. */
  get file(): string {
    return this.store.file;
  }

  /** Today's local date in the library's time zone. */
  today(): string {
    return localDate(this.clock.now(), this.tz);
  }

  /** The key of a day; today's is created on first use. Undefined for a destroyed or unknown day. */
  get(day: string): DayKey | undefined {
    let key = this.keys.get(day);
    if (!key && day === this.today()) {
      key = { pseudonym: this.random.bytes(32) };
      this.keys.set(day, key);
      this.saveOrLater();
    }
    return key;
  }

  /** Days that still have a pseudonym key. */
  days(): string[] {
    return [...this.keys.keys()].sort();
  }

  /** Days whose key is destroyed and whose usage records are still to be purged. */
  toPurge(): string[] {
    return [...this.toPurgeDays].sort();
  }

  /** Records that a day's usage and sessions were purged from the store (the key file follows in the background: `saved()`). */
  purged(day: string): void {
    if (this.toPurgeDays.delete(day)) this.saveInBackground();
  }

  /**
   * Destroys the pseudonym keys of every day before today (nothing needs to compute a past day's
   * pseudonym: live sessions carry theirs). Returns the days destroyed; they wait in `toPurge()`.
   * The key file follows in the background (`saved()`).
   */
  prune(): string[] {
    const gone = this.pruneDays();
    // A save that failed (a full disk) is tried again here, by the periodic job.
    if (gone.length || this.unsaved) this.saveInBackground();
    return gone;
  }

  private pruneDays(): string[] {
    const today = this.today();
    const gone = [...this.keys.keys()].filter((d) => d < today);
    for (const d of gone) {
      this.keys.get(d)!.pseudonym.fill(0);
      this.keys.delete(d);
      this.toPurgeDays.add(d);
    }
    return gone;
  }

  /**
   * Resolves once the key file holds what memory held at the last change (keys destroyed are
   * gone from it); rejects with the error of a write that failed (a full disk), which
   * `unsaved` also says until a later write succeeds.
   */
  async saved(): Promise<void> {
    await this.lastSave;
    if (this.dirty && this.saveError !== undefined) throw this.saveError;
  }

  /** True while the key file is behind what is in memory (its last write failed). */
  get unsaved(): boolean {
    return this.dirty;
  }

  /** HMAC-SHA256(dayKey, identifier): today's pseudonym for a device. */
  pseudonym(day: string, identifier: string): string {
    const key = this.get(day);
    if (!key) throw new Error(`no pseudonym key for ${day}`);
    return crypto.createHmac('sha256', key.pseudonym).update(identifier.toLowerCase()).digest('base64url');
  }

  /** The id of the current address epoch (`e<n>`); its key is created on first use. */
  epoch(): string {
    const id = `e${Math.floor(this.clock.now() / ADDRESS_EPOCH_MS)}`;
    if (!this.epochKeys.has(id)) {
      this.epochKeys.set(id, this.random.bytes(32));
      this.saveOrLater();
    }
    return id;
  }

  /** Address epochs that still have a key. */
  epochs(): string[] {
    return [...this.epochKeys.keys()].sort();
  }

  /** The epoch a sealed value was made under (`d<day>` for values sealed by older versions). */
  epochOf(day: string, sealed: string): string {
    return sealedEpoch(day, sealed);
  }

  /** Encrypts a small JSON value with AES-256-GCM under the current epoch's address key. */
  seal(value: unknown): string {
    const id = this.epoch();
    const iv = this.random.bytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.epochKeys.get(id)!, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
    return `${id}.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /**
   * Decrypts what `seal` made; undefined when its epoch key is gone or the data was altered.
   * `day` is the record's day, needed only for values sealed by older versions.
   */
  open<T>(day: string, sealed: string): T | undefined {
    const key = this.epochKeys.get(this.epochOf(day, sealed));
    if (!key) return undefined;
    try {
      const buf = Buffer.from(sealed.slice(sealed.indexOf('.') + 1), 'base64url');
      const decipher = crypto.createDecipheriv('aes-256-gcm', key, buf.subarray(0, 12));
      decipher.setAuthTag(buf.subarray(12, 28));
      const plain = Buffer.concat([decipher.update(buf.subarray(28)), decipher.final()]).toString('utf8');
      return JSON.parse(plain) as T;
    } catch {
      return undefined;
    }
  }

  /** Destroys every address key but the current epoch's and those in `inUse`. Returns the epochs destroyed. */
  destroyEpochs(inUse: ReadonlySet<string>): string[] {
    const current = this.epoch();
    const gone = [...this.epochKeys.keys()].filter((id) => id !== current && !inUse.has(id));
    for (const id of gone) {
      this.epochKeys.get(id)!.fill(0);
      this.epochKeys.delete(id);
    }
    if (gone.length) this.saveInBackground();
    return gone;
  }

  private load(data: KeyFileData): void {
    for (const [day, p] of Object.entries(data.days)) this.keys.set(day, { pseudonym: Buffer.from(p, 'base64') });
    for (const [id, a] of Object.entries(data.epochs)) this.epochKeys.set(id, Buffer.from(a, 'base64'));
    for (const day of data.toPurge) this.toPurgeDays.add(day);
  }

  /**
   * A key made on a patron's request is used at once even when the file cannot be written (a
   * full disk): the patron is not refused for it, and `prune` writes the file when it can.
   */
  private saveOrLater(): void {
    try {
      this.save();
    } catch {
      // dirty stays set: prune() tries again
    }
  }

  /**
   * Writes the key file now, before the caller goes on: a key made is on disk before anything
   * is sealed under it (a restart can open every record stored).
   */
  private save(): void {
    this.dirty = true;
    this.store.write(this.snapshot());
    this.dirty = false;
    this.saveError = undefined;
  }

  /**
   * Writes the key file without holding the event loop for the disk: for keys destroyed (the
   * periodic jobs), whose copy on disk may outlive them by the few ms the write takes.
   */
  private saveInBackground(): void {
    this.dirty = true;
    const write = this.store.writeInBackground(this.snapshot());
    this.lastSave = write.then(
      (generation) => {
        if (!this.store.isLatest(generation)) return;
        this.dirty = false;
        this.saveError = undefined;
      },
      (err: unknown) => {
        // dirty stays set: prune() tries again, saved() says why
        this.saveError = err;
      },
    );
  }

  private snapshot(): KeyFileData {
    const days: Record<string, string> = {};
    for (const [day, k] of this.keys) days[day] = k.pseudonym.toString('base64');
    const epochs: Record<string, string> = {};
    for (const [id, k] of this.epochKeys) epochs[id] = k.toString('base64');
    return { days, toPurge: this.toPurge(), epochs };
  }
}
