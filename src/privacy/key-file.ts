// The gateway's key file: one owner-only JSON file in KEYS_DIR (never in the store, never in a
// backup), written atomically; reads and migrates the older DATA_DIR/day-keys.json.
import fs from 'node:fs';
import path from 'node:path';

/** The key file's name inside KEYS_DIR. */
export const KEY_FILE = 'keys.json';
/** Where Threshold 0.x kept its day keys, inside DATA_DIR (migrated on first start). */
export const LEGACY_KEY_FILE = 'day-keys.json';

/** What the key file holds: raw keys, base64. */
export interface KeyFileData {
  /** Pseudonym key of each day that still has one (today only, once pruned). */
  days: Record<string, string>;
  /** Days whose key is destroyed but whose usage records still wait to be purged. */
  toPurge: string[];
  /** Address keys by epoch id (`e<n>`; `d<day>` for keys migrated from a day-key file). */
  epochs: Record<string, string>;
}

/** KEYS_DIR: the configured directory, or `keys` inside DATA_DIR. */
export function keysDirOf(config: { dataDir: string; keysDir?: string | undefined }): string {
  return config.keysDir ?? path.join(config.dataDir, 'keys');
}

function empty(): KeyFileData {
  return { days: {}, toPurge: [], epochs: {} };
}

/** Reads and writes the key file in `keysDir`; `legacyDir` is searched once for an old day-key file. */
export class KeyFile {
  readonly file: string;
  /** Counts the writes begun: a background write renames its file only while it is the latest. */
  private generation = 0;
  /** The background writes, one at a time, in order. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly keysDir: string,
    private readonly legacyDir?: string,
  ) {
    this.file = path.join(keysDir, KEY_FILE);
  }

  /** The stored keys; migrates a legacy file (and shreds it) when there is no key file yet. */
  read(): KeyFileData {
    this.ensureDir();
    const raw = readIfExists(this.file);
    if (raw !== undefined) return parse(raw, this.file);
    const legacy = this.legacyDir ? path.join(this.legacyDir, LEGACY_KEY_FILE) : undefined;
    const old = legacy ? readIfExists(legacy) : undefined;
    if (legacy === undefined || old === undefined) return empty();
    const data = fromLegacy(old, legacy);
    this.write(data);
    shred(legacy);
    return data;
  }

  /** True while no write has begun since the one numbered `generation`. */
  isLatest(generation: number): boolean {
    return generation === this.generation;
  }

  /** Replaces the key file: temp file (0600), fsync, rename, so a crash leaves old or new, never half. */
  write(data: KeyFileData): void {
    this.generation++;
    this.ensureDir();
    const tmp = `${this.file}.${process.pid}.tmp`;
    const fd = fs.openSync(tmp, 'w', 0o600);
    try {
      try {
        fs.writeSync(fd, JSON.stringify({ version: 2, ...data }));
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.renameSync(tmp, this.file);
    } catch (err) {
      // A full disk: no half-written copy of the keys is left behind.
      fs.rmSync(tmp, { force: true });
      throw err;
    }
  }

  /**
   * Replaces the key file as `write` does, with the file written and flushed to disk off the
   * event loop (libuv's pool): a job that destroys keys never holds the loop for the disk (a
   * sync fsync beside a busy SQLite WAL took tens of ms). Resolves with the write's number. A
   * write begun after this one (here or by `write`) holds newer keys: this one is then
   * dropped, never renamed over it.
   */
  writeInBackground(data: KeyFileData): Promise<number> {
    const generation = ++this.generation;
    const text = JSON.stringify({ version: 2, ...data });
    const run = this.queue.then(() => this.writeLater(text, generation));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeLater(text: string, generation: number): Promise<number> {
    if (!this.isLatest(generation)) return generation;
    this.ensureDir();
    const tmp = `${this.file}.${process.pid}.${generation}.tmp`;
    let handle: fs.promises.FileHandle | undefined;
    try {
      handle = await fs.promises.open(tmp, 'w', 0o600);
      await handle.writeFile(text);
      await handle.sync();
      await handle.close();
      handle = undefined;
      // Checked and renamed in one turn of the loop: no write can come between.
      if (this.isLatest(generation)) fs.renameSync(tmp, this.file);
      else fs.rmSync(tmp, { force: true });
      return generation;
    } catch (err) {
      await handle?.close().catch(() => undefined);
      fs.rmSync(tmp, { force: true });
      throw err;
    }
  }

  /** KEYS_DIR exists and is owner-only (0700), whatever created it. */
  private ensureDir(): void {
    fs.mkdirSync(this.keysDir, { recursive: true, mode: 0o700 });
    if ((fs.statSync(this.keysDir).mode & 0o077) !== 0) fs.chmodSync(this.keysDir, 0o700);
  }
}

function readIfExists(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function parse(raw: string, file: string): KeyFileData {
  const data = JSON.parse(raw) as Partial<KeyFileData> & { version?: number };
  if (data.version !== 2) throw new Error(`${file} is not a Threshold key file (version ${String(data.version)}); move it away to start with new keys`);
  return { days: data.days ?? {}, toPurge: data.toPurge ?? [], epochs: data.epochs ?? {} };
}

/** The old file held `{ day: { p: pseudonym key, a: address key } }`. */
function fromLegacy(raw: string, file: string): KeyFileData {
  let old: Record<string, { p: string; a: string }>;
  try {
    old = JSON.parse(raw) as typeof old;
  } catch (err) {
    throw new Error(`${file} cannot be read as a day-key file: ${(err as Error).message}`, { cause: err });
  }
  const data = empty();
  for (const [day, k] of Object.entries(old)) {
    data.days[day] = k.p;
    data.epochs[`d${day}`] = k.a;
  }
  return data;
}

/** Overwrites a file with zeros before unlinking it: the old keys should not stay readable. */
function shred(file: string): void {
  const size = fs.statSync(file).size;
  const fd = fs.openSync(file, 'r+');
  try {
    fs.writeSync(fd, Buffer.alloc(size));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.unlinkSync(file);
}
