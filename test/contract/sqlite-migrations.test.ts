// SQLite migrations: a database made by an earlier Threshold opens, keeps its rows and ends up
// with exactly the schema a new database gets, and that schema is the one of this release
// (sqlite-schema-v8.json; v7 is the release before the kiosk queue, v6 the one before the staff
// console's languages, v5 the one before the library settings table, and sqlite-schema-v4.json was
// written by the store before its migrations were gathered into one file: databases made from any
// of them must migrate to v8).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS } from '../../src/store/sqlite/migrations';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { makeSession } from './store.contract';

type SchemaObject = { type: string; name: string; tbl_name: string; sql: string | null };
type Schema = { userVersion: number; objects: SchemaObject[] };
const fixture = (v: number) => JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', `sqlite-schema-v${v}.json`), 'utf8')) as Schema;
const released = fixture(8);
const v7 = fixture(7);
const v6 = fixture(6);
const v5 = fixture(5);
const previous = fixture(4);

const dirs: string[] = [];
const tempFile = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-migrate-'));
  dirs.push(dir);
  return path.join(dir, 'threshold.db');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function schemaOf(file: string): { userVersion: number; objects: SchemaObject[] } {
  const db = new Database(file, { readonly: true });
  try {
    const objects = db.prepare<[], SchemaObject>("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all();
    return { userVersion: db.pragma('user_version', { simple: true }) as number, objects };
  } finally {
    db.close();
  }
}

async function openAndClose(file: string): Promise<SqliteStore> {
  const store = new SqliteStore({ file });
  await store.init();
  return store;
}

describe('SQLite migrations', () => {
  test('when a new database is made, then it has the released schema at the released version', async () => {
    const file = tempFile();
    await (await openAndClose(file)).close();
    expect(schemaOf(file)).toEqual(released);
    expect(MIGRATIONS).toHaveLength(released.userVersion);
  });

  test.each([
    ['the released schema', released],
    ['the schema before the kiosk queue (v7)', v7],
    ['the schema before staff languages (v6)', v6],
    ['the schema before library settings (v5)', v5],
    ['the previous release\'s schema (v4)', previous],
  ])('when a database made by %s is opened, then it ends at the released schema and its rows are read', async (_name, schema) => {
    const file = tempFile();
    // Made from the fixture itself, not from this code's migrations.
    const db = new Database(file);
    for (const o of schema.objects.filter((x) => x.type === 'table')) db.exec(o.sql!);
    for (const o of schema.objects.filter((x) => x.type === 'index')) db.exec(o.sql!);
    db.pragma(`user_version = ${schema.userVersion}`);
    db.prepare('INSERT INTO staff_accounts (username, role, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run('sam', 'staff', '$argon2id$x', 1, 2);
    db.prepare('INSERT INTO pass_batches (id, created_at, created_by, count, minutes, valid_until, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run('b1', 1, 'sam', 3, 45, 4102444800000, 4102444800000);
    const s = makeSession({ id: 'old1', code: 'OLD111', endsAt: Date.now() + 3_600_000 });
    db.prepare(
      `INSERT INTO sessions (id, code, gateway_id, zone_id, day, pseudonym, sealed_address, started_at, ends_at, last_activity_at, via, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(s.id, s.code, s.gatewayId, s.zoneId, s.day, s.pseudonym, s.sealedAddress, s.startedAt, s.endsAt, s.lastActivityAt, s.via, s.endsAt + 3_600_000);
    db.close();
    const store = await openAndClose(file);
    expect(await store.getSession('old1')).toEqual(s);
    // An account from before console languages follows the browser: it has no language.
    expect(await store.staff.getAccount('sam')).toEqual({ username: 'sam', role: 'staff', passwordHash: '$argon2id$x', createdAt: 1, updatedAt: 2 });
    expect((await store.staff.listPassBatches()).map((b) => [b.id, b.minutes, b.label])).toEqual([['b1', 45, undefined]]);
    await store.close();
    expect(schemaOf(file)).toEqual(released);
  });

  test.each(MIGRATIONS.map((_, n) => n).filter((n) => n > 0))('when a database stopped at version %i is opened, then it migrates to the same schema as a new one', async (n) => {
    const file = tempFile();
    const db = new Database(file);
    for (const sql of MIGRATIONS.slice(0, n)) db.exec(sql);
    db.pragma(`user_version = ${n}`);
    db.close();
    await (await openAndClose(file)).close();
    expect(schemaOf(file)).toEqual(released);
  });
});
