// The gateway's keyring: day pseudonym keys live one day, address keys one epoch (or as long as a
// live record uses them), the key file is owner-only in KEYS_DIR and an old day-key file migrates.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/domain/clock';
import { ADDRESS_EPOCH_MS, ADDRESS_FORGOTTEN_WITHIN_MS, DayKeyring, RESEAL_EVERY_MS } from '../../src/privacy/day-keys';
import { KEY_FILE, LEGACY_KEY_FILE, keysDirOf } from '../../src/privacy/key-file';
import { cryptoRandom } from '../../src/privacy/random';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-keys-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const at = (iso: string) => new ManualClock(Date.parse(iso));
const ring = (clock: ManualClock, keysDir = path.join(dir, 'keys'), legacy?: string) => new DayKeyring(keysDir, clock, 'UTC', cryptoRandom, legacy);

describe('DayKeyring', () => {
  test('when KEYS_DIR is not configured, then it is keys/ inside DATA_DIR', () => {
    expect(keysDirOf({ dataDir: '/var/lib/threshold' })).toBe('/var/lib/threshold/keys');
    expect(keysDirOf({ dataDir: '/var/lib/threshold', keysDir: '/run/threshold-keys' })).toBe('/run/threshold-keys');
  });

  test('when keys are written, then KEYS_DIR is 0700 and the key file 0600, even if the directory was open before', () => {
    const keysDir = path.join(dir, 'keys');
    fs.mkdirSync(keysDir, { mode: 0o755 });
    fs.chmodSync(keysDir, 0o755);
    const keys = ring(at('2026-11-18T10:00:00Z'), keysDir);
    keys.seal({ ip: '10.0.0.1' });
    expect(fs.statSync(keysDir).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(keysDir, KEY_FILE)).mode & 0o777).toBe(0o600);
  });

  test('when a day is over, then its pseudonym key is destroyed at the next prune and the day waits to be purged', async () => {
    const clock = at('2026-11-18T23:59:00Z');
    const keys = ring(clock);
    const before = keys.pseudonym('2026-11-18', 'a4:5e:60:d1:22:9f');
    clock.set(Date.parse('2026-11-19T00:00:01Z'));
    expect(keys.prune()).toEqual(['2026-11-18']);
    expect(keys.days()).toEqual([]);
    expect(keys.toPurge()).toEqual(['2026-11-18']);
    expect(() => keys.pseudonym('2026-11-18', 'a4:5e:60:d1:22:9f')).toThrow(/no pseudonym key/);
    expect(keys.pseudonym('2026-11-19', 'a4:5e:60:d1:22:9f')).not.toBe(before);
    await keys.saved();
    expect(ring(clock).toPurge()).toEqual(['2026-11-18']);
    keys.purged('2026-11-18');
    await keys.saved();
    expect(ring(clock).toPurge()).toEqual([]);
  });

  test('when Threshold starts after days it missed, then their keys are destroyed at load and the days wait to be purged', () => {
    const clock = at('2026-11-18T10:00:00Z');
    ring(clock).pseudonym('2026-11-18', 'x');
    clock.set(Date.parse('2026-11-21T10:00:00Z'));
    const keys = ring(clock);
    expect(keys.days()).toEqual([]);
    expect(keys.toPurge()).toEqual(['2026-11-18']);
    expect(JSON.parse(fs.readFileSync(keys.file, 'utf8')).days).toEqual({});
  });

  test('when an address is sealed, then it opens under its epoch key, and not once that key is destroyed', async () => {
    const clock = at('2026-11-18T10:00:00Z');
    const keys = ring(clock);
    const sealed = keys.seal({ ip: '10.0.0.1', mac: 'a4:5e:60:d1:22:9f' });
    expect(keys.epochOf('2026-11-18', sealed)).toBe(keys.epoch());
    expect(ring(clock).open('2026-11-18', sealed)).toEqual({ ip: '10.0.0.1', mac: 'a4:5e:60:d1:22:9f' });
    clock.advance(ADDRESS_EPOCH_MS);
    expect(keys.destroyEpochs(new Set([keys.epochOf('2026-11-18', sealed)]))).toEqual([]);
    expect(keys.open('2026-11-18', sealed)).toBeDefined();
    expect(keys.destroyEpochs(new Set())).toHaveLength(1);
    expect(keys.open('2026-11-18', sealed)).toBeUndefined();
    await keys.saved();
    expect(ring(clock).open('2026-11-18', sealed)).toBeUndefined();
    expect(keys.epochs()).toEqual([keys.epoch()]);
  });

  test('when keys are destroyed, then the key file follows off the event loop, and a newer write is never overwritten by an older one', async () => {
    const clock = at('2026-11-18T10:00:00Z');
    const keys = ring(clock);
    const old = keys.epoch();
    keys.pseudonym('2026-11-18', 'x');
    clock.advance(ADDRESS_EPOCH_MS);
    // Destroyed in memory at once; on disk once saved() resolves, not before this turn ends.
    expect(keys.destroyEpochs(new Set())).toEqual([old]);
    expect(keys.unsaved).toBe(true);
    // A key made meanwhile is written at once (a record sealed under it must open after a
    // restart); the background write, older, is then dropped rather than renamed over it.
    const made = keys.epoch();
    await keys.saved();
    expect(keys.unsaved).toBe(false);
    const again = ring(clock);
    expect(again.epochs()).toEqual([made]);
    expect(again.days()).toEqual(['2026-11-18']);
    expect(fs.readdirSync(path.dirname(keys.file))).toEqual([KEY_FILE]);
  });

  test('when the key file cannot be written in the background, then saved() says why and unsaved stays true until a write succeeds', async () => {
    const clock = at('2026-11-18T10:00:00Z');
    const keysDir = path.join(dir, 'keys');
    const keys = ring(clock, keysDir);
    keys.epoch();
    clock.advance(ADDRESS_EPOCH_MS);
    keys.epoch();
    // KEYS_DIR made a plain file: the write fails as on a full disk.
    fs.rmSync(keysDir, { recursive: true });
    fs.writeFileSync(keysDir, 'not a directory');
    expect(keys.destroyEpochs(new Set())).toHaveLength(1);
    await expect(keys.saved()).rejects.toThrow();
    expect(keys.unsaved).toBe(true);
    fs.rmSync(keysDir);
    keys.prune();
    await keys.saved();
    expect(keys.unsaved).toBe(false);
    expect(ring(clock, keysDir).epochs()).toEqual(keys.epochs());
    expect(fs.readdirSync(keysDir)).toEqual([KEY_FILE]);
  });

  test('when the promise is stated, then one epoch and one run of the re-seal job fit inside it', () => {
    expect(ADDRESS_EPOCH_MS + RESEAL_EVERY_MS).toBeLessThanOrEqual(ADDRESS_FORGOTTEN_WITHIN_MS);
  });

  test('when an old DATA_DIR/day-keys.json exists, then it moves into KEYS_DIR, its records still open, and the old file is gone', () => {
    const crypto = require('node:crypto') as typeof import('node:crypto');
    const p = crypto.randomBytes(32);
    const a = crypto.randomBytes(32);
    fs.writeFileSync(path.join(dir, LEGACY_KEY_FILE), JSON.stringify({ '2026-11-18': { p: p.toString('base64'), a: a.toString('base64') } }), { mode: 0o600 });
    const iv = crypto.randomBytes(12);
    const c = crypto.createCipheriv('aes-256-gcm', a, iv);
    const body = Buffer.concat([c.update(JSON.stringify({ ip: '10.0.0.9' })), c.final()]);
    const legacySealed = Buffer.concat([iv, c.getAuthTag(), body]).toString('base64url');

    const keys = ring(at('2026-11-18T10:00:00Z'), path.join(dir, 'keys'), dir);

    expect(fs.existsSync(path.join(dir, LEGACY_KEY_FILE))).toBe(false);
    expect(keys.open('2026-11-18', legacySealed)).toEqual({ ip: '10.0.0.9' });
    expect(keys.pseudonym('2026-11-18', 'x')).toBe(crypto.createHmac('sha256', p).update('x').digest('base64url'));
    expect(keys.epochOf('2026-11-18', legacySealed)).toBe('d2026-11-18');
  });
});
