// The shared Redis stopped for 60 s under a stream of logins through the real form, against the
// real server process (dist/): no patron 5xx, no lost session, no usage counted twice after the
// write-through. Loopback only (127.31.x.y clients), a redis-server of the test's own.
import http from 'node:http';
import { RedisStore } from '../../src/store/redis/store';
import { startOwnRedis, type OwnRedis } from '../helpers/own-redis';
import { startServer, type ServerProcess } from '../helpers/server-process';

jest.setTimeout(300_000);

const OUTAGE_MS = 60_000;
const LOGINS_PER_SECOND = 8;

interface Answer {
  status: number;
  location?: string;
  text: string;
  cookie: string;
}

function send(port: number, address: string, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, localAddress: address, method, path, headers: { Accept: 'text/html', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, text, cookie: (res.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ') }),
      );
    });
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** GET / then POST /accept, as the splash form does; the statuses of both. */
async function login(port: number, address: string): Promise<number[]> {
  const splash = await send(port, address, 'GET', '/');
  const token = /name="_csrf" value="([^"]+)"/.exec(splash.text)?.[1] ?? '';
  const form = `_csrf=${encodeURIComponent(token)}&accept=yes`;
  const accepted = await send(port, address, 'POST', '/accept', { Cookie: splash.cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, form);
  return [splash.status, accepted.status === 303 && accepted.location === '/status' ? 303 : accepted.status];
}

const address = (i: number) => `127.31.${1 + Math.floor(i / 250)}.${1 + (i % 250)}`;

async function until(check: () => Promise<boolean>, what: string, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let redis: OwnRedis;
let server: ServerProcess;
let store: RedisStore;

beforeAll(async () => {
  redis = await startOwnRedis();
  server = await startServer({ REDIS_URL: redis.url, HOST: '127.0.0.1', STAFF_HOST: '127.0.0.1', LOG_LEVEL: 'info' });
  store = new RedisStore({ url: redis.url });
  await store.init();
});

afterAll(async () => {
  await store?.close();
  await server?.stop();
  await redis?.destroy();
});

test('when the shared Redis is stopped for 60 s during logins, then no patron gets a 5xx, no session is lost and no usage is counted twice', async () => {
  const statuses: number[] = [];
  let n = 0;
  let running = true;
  const inFlight: Promise<void>[] = [];
  // Logins at a steady rate, each from its own address, until told to stop.
  const stream = (async () => {
    while (running) {
      const i = n++;
      inFlight.push(login(server.port, address(i)).then((s) => void statuses.push(...s), () => void statuses.push(0)));
      await new Promise((r) => setTimeout(r, 1000 / LOGINS_PER_SECOND));
    }
  })();
  await until(async () => n >= 20, 'logins before the outage');
  await redis.stop();
  const stoppedAt = Date.now();
  const atStop = n;
  await until(async () => Date.now() - stoppedAt >= OUTAGE_MS, 'the outage to last', OUTAGE_MS + 10_000);
  await redis.start();
  const duringOutage = n - atStop;
  await until(async () => n >= atStop + duringOutage + 20, 'logins after the outage');
  running = false;
  await stream;
  await Promise.all(inFlight);

  // No patron 5xx (and no refusal or lost answer): every splash 200, every accept 303 /status.
  expect(statuses.filter((s) => s !== 200 && s !== 303)).toEqual([]);
  expect(statuses).toHaveLength(2 * n);
  expect(duringOutage).toBeGreaterThan(100);

  // Every acknowledged session reaches the store once it is back (the write-through), none lost.
  await until(async () => (await store.listSessions()).length >= n, `all ${n} sessions in the store`);
  const sessions = await store.listSessions();
  expect(sessions).toHaveLength(n);
  expect(new Set(sessions.map((s) => s.id)).size).toBe(n);
  // Each client is a device of its own with one one-hour session: charged 3600 s, once. A session
  // the re-assertion after the reconnect wrote back can be in the store before its grant (and its
  // charge) is written through: wait until every one is charged, then check none twice.
  const usageNow = () => Promise.all(sessions.map((s) => store.getUsage(s.day, s.pseudonym)));
  await until(async () => (await usageNow()).every((u) => u > 0), 'every session charged');
  expect((await usageNow()).filter((u) => u !== 3600)).toEqual([]);
  // The counters: one start per login, however often an update was retried.
  const from = Math.min(...sessions.map((s) => s.startedAt)) - 3_600_000;
  await until(async () => {
    const rows = await store.readStats(from, Date.now() + 3_600_000);
    return rows.reduce((a, r) => a + r.counts.sessionsStarted, 0) === n;
  }, 'every session start counted once');
  // And every client is online: its probe answers 204.
  for (let i = 0; i < n; i += 25) expect((await send(server.port, address(i), 'GET', '/generate_204')).status).toBe(204);
  // The server said it wrote the kept grants through.
  expect(server.output()).toContain('written through');
  process.stdout.write(`store outage: ${n} logins, ${duringOutage} during the ${OUTAGE_MS / 1000} s outage, all admitted and written through once\n`);
});
