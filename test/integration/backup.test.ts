// `threshold backup`: while the server runs, a consistent copy of the SQLite store that holds no
// byte of any key; Redis is backed up by Redis, which holds no key either.
import fs from 'node:fs';
import path from 'node:path';
import { configSchema } from '../../src/config/schema';
import { backupStore, REDIS_BACKUP_ADVICE } from '../../src/store/backup-cli';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';

/** Every key in the key file, in every spelling a search could find. */
function keySpellings(keyFile: string): Buffer[] {
  const data = JSON.parse(fs.readFileSync(keyFile, 'utf8')) as { days: Record<string, string>; epochs: Record<string, string> };
  return [...Object.values(data.days), ...Object.values(data.epochs)].flatMap((b64) => {
    const raw = Buffer.from(b64, 'base64');
    return [raw, Buffer.from(b64), Buffer.from(raw.toString('hex')), Buffer.from(raw.toString('base64url'))];
  });
}

describe('threshold backup', () => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  it('when a backup is taken while patrons are online, then it holds their sessions and no key material', async () => {
    ctx = await makeTestApp();
    await new Patron(ctx.app, '10.77.3.1', 'a4:5e:60:d1:33:01').accept();
    await new Patron(ctx.app, '10.77.3.2').accept();
    const config = configSchema.parse({ dataDir: ctx.dataDir });
    const file = path.join(ctx.dataDir, '..', `${path.basename(ctx.dataDir)}-backup.db`);
    try {
      expect(await backupStore(config, file)).toMatch(/^Backup written to .* It holds no key/);
      const bytes = fs.readFileSync(file);
      const keys = keySpellings(ctx.deps.keys.file);
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.filter((k) => bytes.includes(k))).toEqual([]);
      const copy = new SqliteStore({ file, clock: ctx.clock });
      await copy.init();
      try {
        expect((await copy.listSessions()).map((s) => s.id).sort()).toEqual((await ctx.deps.store.listSessions()).map((s) => s.id).sort());
      } finally {
        await copy.close();
      }
      await expect(backupStore(config, file)).rejects.toThrow('already exists: choose a new file name');
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('when the backup would go into KEYS_DIR, or the store is Redis, then it says what to do instead', async () => {
    ctx = await makeTestApp();
    const config = configSchema.parse({ dataDir: ctx.dataDir });
    await expect(backupStore(config, path.join(ctx.dataDir, 'keys', 'b.db'))).rejects.toThrow('is inside KEYS_DIR');
    const redis = configSchema.parse({ dataDir: ctx.dataDir, redisUrl: 'redis://127.0.0.1:1' });
    await expect(backupStore(redis, path.join(ctx.dataDir, 'b.db'))).rejects.toThrow(REDIS_BACKUP_ADVICE);
    expect(REDIS_BACKUP_ADVICE).toContain('No key is in Redis');
  });
});
