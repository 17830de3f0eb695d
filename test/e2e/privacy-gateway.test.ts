// The privacy audit through the real gateway: devices with known MACs and IPv4/IPv6 addresses
// (network namespaces) sign in through the portal form to the real server process with the
// nftables backend, on SQLite and on a Redis with AOF and RDB on. The server's clock is moved
// (clock-offset.js) past the sessions' end plus the promised window, then to the next day. Every
// byte of DATA_DIR (with KEYS_DIR), a copy of it and a `threshold backup` taken mid-session,
// Redis's files and keyspace and the server's output is searched for every identifier in every
// spelling; every sealed value found is tried with every key on disk; no day key left gives a
// device the pseudonym it had the day before. privacy-audit.test.ts runs four days in-process.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { ADDRESS_FORGOTTEN_WITHIN_MS } from '../../src/privacy/day-keys';
import { KEY_FILE } from '../../src/privacy/key-file';
import { keysLeft, openWithAny, pseudonymsUnder, sealedValues } from '../helpers/key-audit';
import { copyWithoutKeys, filesUnder, findLeaks, redisHaystacks, type Haystack } from '../helpers/leak-search';
import { requireNetnsSupport } from '../helpers/netns';
import { startPersistentRedis, type PersistentRedis } from '../helpers/persistent-redis';
import { ROOT, type ServerProcess } from '../helpers/server-process';
import { waitFor } from '../helpers/wait';
import { DeviceLab, SESSION_MINUTES, type Device } from './helpers/device-lab';

requireNetnsSupport();
jest.setTimeout(180_000);

const DAY_MS = 86_400_000;
/** Where the server in the namespace reaches the test's Redis (a relay to its Unix socket). */
const RELAY_PORT = 6390;

describe.each([
  ['sqlite', false],
  ['redis with AOF and RDB', true],
])('privacy audit through the real gateway on %s', (_name, useRedis) => {
  let lab: DeviceLab;
  let server: ServerProcess | undefined;
  let redis: PersistentRedis | undefined;
  let relay: ChildProcess | undefined;
  const scratch: string[] = [];
  const outputs: (() => string)[] = [];
  /** Copies taken earlier (of DATA_DIR, a backup), searched with everything else. */
  const extra: Haystack[] = [];
  let dataDir: string;
  const keysDir = () => path.join(dataDir, 'keys');

  beforeAll(async () => {
    // Four devices, each with two IPv4 addresses and one IPv6 address: 12 sessions, 4 MACs.
    lab = new DeviceLab({ devices: 4, v4: 2, v6: 1 });
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-audit-'));
    scratch.push(dataDir);
    if (useRedis) {
      const socketDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-sock-'));
      scratch.push(socketDir);
      redis = await startPersistentRedis({ unixSocket: path.join(socketDir, 'redis.sock') });
      relay = lab.gateway.spawn('socat', [`TCP-LISTEN:${RELAY_PORT},bind=127.0.0.1,fork,reuseaddr`, `UNIX-CONNECT:${path.join(socketDir, 'redis.sock')}`]);
      const ping = async () => {
        try {
          return lab.gateway.exec('redis-cli', ['-p', String(RELAY_PORT), 'ping']).trim();
        } catch {
          return '';
        }
      };
      expect(await waitFor(ping, (p) => p === 'PONG')).toBe('PONG');
    }
  });

  afterAll(async () => {
    await Promise.race([server?.stop('SIGKILL'), new Promise((r) => setTimeout(r, 5_000).unref())]).catch(() => undefined);
    relay?.kill('SIGKILL');
    lab?.destroy();
    await redis?.stop();
    for (const d of [...scratch, ...(redis ? [redis.dir] : [])]) fs.rmSync(d, { recursive: true, force: true });
  });

  /** Starts the server with its clock `offsetMs` ahead of the real time. */
  async function serve(offsetMs: number): Promise<void> {
    server = await lab.serve(dataDir, { offsetMs, ...(redis ? { redisUrl: `redis://127.0.0.1:${RELAY_PORT}` } : {}) });
    outputs.push(server.output);
  }

  /** Every byte written: DATA_DIR with KEYS_DIR, Redis's files and keyspace, every output, copies. */
  async function everything(): Promise<Haystack[]> {
    const out = [...filesUnder(dataDir), { where: 'server output', data: outputs.map((o) => o()).join('\n') }, ...extra];
    return redis ? [...out, ...(await redisHaystacks(redis))] : out;
  }

  const keyDays = () => Object.keys((JSON.parse(fs.readFileSync(path.join(keysDir(), KEY_FILE), 'utf8')) as { days: object }).days);
  const opened = async () => openWithAny(sealedValues(await everything()), keysLeft(keysDir()).addresses);

  async function signIn(devices: Device[]): Promise<void> {
    const answers = (await Promise.all(devices.map((d) => lab.run(d, 'login')))).flat();
    expect(answers.filter((a) => a.status !== 303 || a.location !== '/status')).toEqual([]);
    expect(answers).toHaveLength(devices.length * 3);
  }

  async function signOut(devices: Device[]): Promise<void> {
    // A device's addresses share one session: the first log-out ends it on every address, so
    // the device's later addresses find no session to end (and no server error).
    const answers = await Promise.all(devices.map((d) => lab.run(d, 'logout')));
    expect(answers.map((a) => a[0]).filter((a) => a?.status !== 303 || a.location !== '/logged-out')).toEqual([]);
    expect(answers.flatMap((a) => a.slice(1)).filter((a) => a.status >= 500)).toEqual([]);
  }

  /** The kernel lets nobody through (the sessions' end reached nftables). */
  const kernelEmpty = () => waitFor(async () => lab.kernelClients(), (c) => c.length === 0);

  it('when devices sign in, leave and come back the next day, then no identifier is written, nothing ended opens, and no device links across days', async () => {
    const identifiers = lab.identifiers();
    const macs = lab.devices.map((d) => d.mac);
    // What an attacker would try: every address of the devices' subnets and the MACs known.
    const guesses = [...macs, ...identifiers, ...lab.devices.flatMap((_, i) => Array.from({ length: 256 }, (_, k) => `10.80.${i + 1}.${k}`))];

    // ---- Day 0: every device signs in; the kernel holds each address to its MAC ----
    await serve(0);
    await signIn(lab.devices);
    expect((await lab.kernelClients()).map((c) => [c.ip, c.mac]).sort()).toEqual([...lab.macOf()].sort());
    // Every session is counted under its device's MAC-bound pseudonym, and nothing else.
    const day0 = pseudonymsUnder(keysLeft(keysDir()).days, macs);
    const stored = (await everything()).map((h) => (typeof h.data === 'string' ? h.data : h.data.toString('latin1'))).join('\n');
    expect([...day0].filter((p) => !stored.includes(p))).toEqual([]);
    expect([...pseudonymsUnder(keysLeft(keysDir()).days, identifiers)].filter((p) => !day0.has(p) && stored.includes(p))).toEqual([]);

    // Mid-session: a copy of DATA_DIR without KEYS_DIR (the natural backup) and a `threshold backup`.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-copy-'));
    scratch.push(copy);
    extra.push(...copyWithoutKeys(dataDir, keysDir(), copy));
    if (!useRedis) {
      const file = path.join(os.tmpdir(), `threshold-backup-${lab.tag}.db`);
      scratch.push(file);
      execFileSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'backup', file], { env: { ...process.env, DATA_DIR: dataDir, THRESHOLD_CONFIG: path.join(dataDir, 'threshold.json') }, stdio: 'pipe' });
      extra.push({ where: 'threshold backup', data: fs.readFileSync(file) });
    }
    expect(findLeaks(identifiers, await everything())).toEqual([]);

    // Half sign out through the portal; the others' time runs out while the server is stopped.
    await signOut(lab.devices.slice(0, 2));
    await server!.stop();
    // ---- The sessions' end plus the promised window later ----
    await serve(SESSION_MINUTES * 60_000 + ADDRESS_FORGOTTEN_WITHIN_MS);
    expect(await kernelEmpty()).toEqual([]);
    expect(await waitFor(opened, (o) => o.length === 0)).toEqual([]);
    expect(findLeaks(identifiers, await everything())).toEqual([]);
    await server!.stop();

    // ---- Day 1: the same devices come back; no key left gives any of them yesterday's pseudonym ----
    await serve(DAY_MS);
    await signIn(lab.devices);
    // The server's clock did move: the only pseudonym key left is tomorrow's.
    expect(keyDays()).toEqual([new Date(Date.now() + DAY_MS).toISOString().slice(0, 10)]);
    const guessed = pseudonymsUnder(keysLeft(keysDir()).days, guesses);
    expect([...day0].filter((p) => guessed.has(p))).toEqual([]);
    await signOut(lab.devices);
    expect(await kernelEmpty()).toEqual([]);
    await server!.stop();

    // ---- The promised window after the last sign-out; then with the server and Redis stopped ----
    await serve(DAY_MS + ADDRESS_FORGOTTEN_WITHIN_MS + 60_000);
    expect(await waitFor(opened, (o) => o.length === 0)).toEqual([]);
    await server!.stop();
    const last = await everything();
    await redis?.stop();
    const all = [...last, ...(redis ? filesUnder(redis.dir) : [])];
    expect(findLeaks(identifiers, all)).toEqual([]);
    expect(openWithAny(sealedValues(all), keysLeft(keysDir()).addresses)).toEqual([]);
    // Sealed values were found, so the search does look where they are.
    expect(sealedValues(all).length).toBeGreaterThan(0);
    const left = pseudonymsUnder(keysLeft(keysDir()).days, guesses);
    expect([...day0].filter((p) => left.has(p))).toEqual([]);
    if (!useRedis) {
      // SQLite keeps no record of day 0: WAL truncated, deleted rows zeroed.
      const db = filesUnder(dataDir).filter((h) => h.where.includes('threshold.db'));
      expect(db.filter((h) => [...day0].some((p) => (h.data as Buffer).includes(p))).map((h) => h.where)).toEqual([]);
    }
  });
});
