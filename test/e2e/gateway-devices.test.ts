// Devices on a real dual-stack gateway: a phone that logs in once over IPv4 is online over IPv6
// too, from a privacy address that appears after login as well, on one allowance, and is cut
// off on every address together; a silent device is cut off after its idle time while a busy one
// stays. nftables in a gateway namespace, the real `threshold serve` process.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { findLeaks, filesUnder } from '../helpers/leak-search';
import { requireNetnsSupport } from '../helpers/netns';
import { startServer, type ServerProcess } from '../helpers/server-process';
import { waitFor } from '../helpers/wait';
import { GatewayLab, HOST_REPLY, INTERNET, KIOSK, WIFI, type Client } from './helpers/gateway-lab';

requireNetnsSupport();
jest.setTimeout(180_000);

const PORT = 8080;
const host4 = `http://${INTERNET.v4}:8000`;
const host6 = `http://[${INTERNET.v6}]:8000`;
/** A temporary (privacy) address the phone takes after logging in. */
const PRIVACY6 = 'fd77::a1b2:c3d4:e5f6:7788';
/** The smallest idle time the configuration allows. */
const IDLE_MINUTES = 1;

let lab: GatewayLab;
let server: ServerProcess | undefined;
let dataDir: string;

/** Accepts the terms through the captured port 80, as a browser would; returns where it lands. */
async function acceptTerms(client: Client): Promise<string | undefined> {
  const page = await client.get(`http://${INTERNET.v4}/`);
  const cookie = (page.setCookie ?? []).map((c) => c.split(';')[0]).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body ?? '')?.[1] ?? '';
  return (await client.post(`http://${INTERNET.v4}/accept`, cookie, { _csrf: token, accept: 'yes' })).location;
}

async function logout(client: Client): Promise<string | undefined> {
  const page = await client.get(`http://10.77.0.1:${PORT}/status`);
  const cookie = (page.setCookie ?? []).map((c) => c.split(';')[0]).join('; ');
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body ?? '')?.[1] ?? '';
  return (await client.post(`http://10.77.0.1:${PORT}/logout`, cookie, { _csrf: token })).location;
}

const reaches = async (client: Client, url: string) => (await client.get(`${url}/`)).body === HOST_REPLY;
/** Waits (the gateway learns a new address within a second or two) until the host answers, or not. */
const waitReach = (client: Client, url: string, want = true) => waitFor(() => reaches(client, url), (ok) => ok === want, { timeoutMs: 20_000 });
const captive = async (client: Client, portal: string) => JSON.parse((await client.get(`${portal}/api/captive`)).body ?? '{}') as Record<string, unknown>;

beforeAll(async () => {
  lab = new GatewayLab();
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-dev-'));
  const configFile = path.join(dataDir, 'threshold.json');
  const policy = { sessionMinutes: 30, dailyMinutes: 60, idleMinutes: IDLE_MINUTES };
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      libraryName: 'Riverside Test Library',
      timezone: 'UTC',
      lanInterfaces: lab.lanInterfaces,
      zones: [
        { id: 'wifi', name: 'Wi-Fi', subnets: [WIFI.subnet4, WIFI.subnet6], policy },
        { id: 'kiosk', name: 'Public computers', subnets: [KIOSK.subnet4], policy },
      ],
    }),
  );
  await lab.startInternetHost();
  server = await startServer(
    { PORT: String(PORT), HOST: '::', DATA_DIR: dataDir, THRESHOLD_CONFIG: configFile, FIREWALL: 'nftables', LOG_LEVEL: 'info' },
    { prefix: lab.gateway.prefix },
  );
});

afterAll(async () => {
  await Promise.race([server?.stop('SIGKILL'), new Promise((r) => setTimeout(r, 5_000).unref())]).catch(() => undefined);
  lab?.destroy();
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('devices on a dual-stack gateway', () => {
  const phone = () => lab.wifi;
  const silent = () => lab.kiosk;
  let busy: Promise<void> | undefined;
  let stopBusy = false;

  it('when a phone logs in once over IPv4, then it reaches the internet over IPv4 and IPv6, and from a privacy address taken after login', async () => {
    expect(await reaches(phone(), host6)).toBe(false);
    expect(await acceptTerms(phone())).toBe('/status');
    expect(await acceptTerms(silent())).toBe('/status');
    // From here the phone is busy (a request every 2 s, over both families); the kiosk is silent.
    busy = (async () => {
      while (!stopBusy) {
        await Promise.all([phone().get(`${host4}/`), phone().get(`${host6}/`)]);
        await new Promise((r) => setTimeout(r, 2_000));
      }
    })();
    expect(await reaches(phone(), host4)).toBe(true);
    expect(await waitReach(phone(), host6)).toBe(true);
    lab.wifi.ns.exec('ip', ['addr', 'add', `${PRIVACY6}/64`, 'dev', `thc${lab.tag}`, 'nodad']);
    expect(await waitReach(phone().from(PRIVACY6), host6)).toBe(true);
    // RFC 8908 over IPv6 tells the same session as over IPv4.
    const [over4, over6] = await Promise.all([captive(phone(), `http://10.77.0.1:${PORT}`), captive(phone().from(PRIVACY6), `http://[fd77::1]:${PORT}`)]);
    expect(over4).toMatchObject({ captive: false });
    expect(over6).toMatchObject({ captive: false });
    expect(Math.abs(Number(over4['seconds-remaining']) - Number(over6['seconds-remaining']))).toBeLessThanOrEqual(2);
  });

  it('when the phone goes on over IPv6, then it is still one session and the allowance is counted once', async () => {
    // Port 80 over IPv6 is no longer captured either.
    expect((await phone().from(PRIVACY6).get(`http://[${INTERNET.v6}]/`)).body).toBe(HOST_REPLY);
    const db = new Database(path.join(dataDir, 'threshold.db'), { readonly: true, fileMustExist: true });
    try {
      const sessions = db.prepare('SELECT zone_id AS zone FROM sessions ORDER BY zone_id').all();
      const usage = db.prepare('SELECT seconds FROM daily_usage').all() as { seconds: number }[];
      // One session and one charge of 30 minutes per device: the phone's IPv6 addresses are not devices of their own.
      expect(sessions).toEqual([{ zone: 'kiosk' }, { zone: 'wifi' }]);
      expect(usage.map((u) => u.seconds)).toEqual([1800, 1800]);
    } finally {
      db.close();
    }
  });

  it('when a device sends nothing for its idle time, then it is cut off, and a busy one is not', async () => {
    const kioskPortal = `http://10.78.0.1:${PORT}`;
    expect(await captive(silent(), kioskPortal)).toMatchObject({ captive: false });
    // The sweep (every 5 s) ends it once a minute has passed with its counter unchanged.
    const ended = await waitFor(() => captive(silent(), kioskPortal), (s) => s.captive === true, { timeoutMs: (IDLE_MINUTES * 60 + 60) * 1000, intervalMs: 1_000 });
    expect(ended.captive).toBe(true);
    expect(await reaches(silent(), host4)).toBe(false);
    expect(await captive(phone(), `http://10.77.0.1:${PORT}`)).toMatchObject({ captive: false });
    expect(await reaches(phone(), host4)).toBe(true);
  });

  it('when the phone logs out over IPv4, then all of its addresses are cut off together', async () => {
    stopBusy = true;
    await busy;
    expect(await logout(phone())).toBeDefined();
    const [v4, v6, privacy] = await Promise.all([reaches(phone(), host4), reaches(phone(), host6), reaches(phone().from(PRIVACY6), host6)]);
    expect({ v4, v6, privacy }).toEqual({ v4: false, v6: false, privacy: false });
    expect(await captive(phone().from(PRIVACY6), `http://[fd77::1]:${PORT}`)).toMatchObject({ captive: true });
  });

  it('when the work is done, then no file in DATA_DIR and no log line holds any of the addresses or MACs', () => {
    const macs = [lab.wifi, lab.kiosk].map((c) => (JSON.parse(c.ns.exec('ip', ['-j', 'link', 'show', 'type', 'veth'])) as { address: string }[])[0]!.address);
    const leaks = findLeaks([WIFI.client4, WIFI.client6, PRIVACY6, KIOSK.client4, ...macs], [...filesUnder(dataDir), { where: 'logs', data: server!.output() }]);
    expect(leaks).toEqual([]);
  });
});
