// RFC 8910 with a real DHCP client: dnsmasq runs the deploy kit's file in the gateway namespace,
// udhcpc asks for an address in the patron's, receives the captive-portal URL (option 114), and
// the patron's device fetches the RFC 8908 API over HTTPS from it (verified against a throwaway
// CA, the host name resolved by the gateway's dnsmasq): captive before login, not after.
import { execFile, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireNetnsSupport } from '../helpers/netns';
import { startServer, type ServerProcess } from '../helpers/server-process';
import { makeTestTls, type TestTls } from '../helpers/tls';
import { DEPLOY_DNSMASQ, dnsmasqConfig, startDnsmasq } from './helpers/dnsmasq';
import { GatewayLab, INTERNET, WIFI, type Client } from './helpers/gateway-lab';

requireNetnsSupport();
jest.setTimeout(90_000);

const PORTAL_HOST = 'portal.test';
const GATEWAY4 = '10.77.0.1';
const PORT = 8080;
const HTTPS_PORT = 8443;

let lab: GatewayLab;
let tls: TestTls;
let dir: string;
let dnsmasq: ChildProcess | undefined;
let server: ServerProcess | undefined;
/** What udhcpc handed its script: the lease and the options asked for. */
let lease: Record<string, string> = {};

/** udhcpc's script: configures the lease it is given and writes out what it was told. */
const SCRIPT = `#!/bin/sh
case "$1" in
  bound|renew)
    ip addr add "$ip/$mask" dev "$interface"
    ip route replace default via "$router"
    env > "$LEASE_OUT"
    ;;
esac
exit 0
`;

/** The text of a DHCP option as udhcpc exports one it does not know (hex), or as it is. */
const optionText = (v: string | undefined) => (v && /^[0-9a-f]+$/i.test(v) ? Buffer.from(v, 'hex').toString('utf8') : v);

beforeAll(async () => {
  lab = new GatewayLab();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-dhcp-'));
  tls = makeTestTls([PORTAL_HOST, GATEWAY4]);
  const iface = lab.lanInterfaces[0]!;
  dnsmasq = await startDnsmasq(lab.gateway, { iface, range: '10.77.0.50,10.77.0.99,255.255.255.0,2h', portalHost: PORTAL_HOST, dir });
  const configFile = path.join(dir, 'threshold.json');
  fs.writeFileSync(
    configFile,
    JSON.stringify({
      timezone: 'UTC',
      portalUrl: `https://${PORTAL_HOST}`,
      lanInterfaces: lab.lanInterfaces,
      zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: [WIFI.subnet4, WIFI.subnet6], policy: { sessionMinutes: 30 } }],
    }),
  );
  server = await startServer(
    { PORT: String(PORT), HTTPS_PORT: String(HTTPS_PORT), HOST: '::', DATA_DIR: path.join(dir, 'data'), THRESHOLD_CONFIG: configFile, FIREWALL: 'nftables', TLS_CERT: tls.certFile, TLS_KEY: tls.keyFile },
    { prefix: lab.gateway.prefix },
  );
  // The patron's device starts with no IPv4 address: DHCP gives it one.
  lab.wifi.ns.exec('ip', ['-4', 'addr', 'flush', 'dev', `thc${lab.tag}`]);
});

afterAll(async () => {
  await Promise.race([server?.stop('SIGKILL'), new Promise((r) => setTimeout(r, 5_000).unref())]).catch(() => undefined);
  dnsmasq?.kill('SIGKILL');
  lab?.destroy();
  tls?.cleanup();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('DHCP option 114 (RFC 8910) with a real client, and the RFC 8908 API it points to', () => {
  let device: Client;
  let apiUrl: string;

  it("when the deploy kit's dnsmasq file is adapted to the test, then only its interface, range and host name change", () => {
    const deploy = fs.readFileSync(DEPLOY_DNSMASQ, 'utf8');
    const conf = dnsmasqConfig(deploy, { iface: 'lan9', range: 'R', portalHost: PORTAL_HOST, dir: '/x' });
    expect(conf).toContain(`dhcp-option=114,"https://${PORTAL_HOST}/api/captive"`);
    expect(conf).toContain(`interface-name=${PORTAL_HOST},lan9`);
    for (const line of deploy.split('\n').filter((l) => l && !/wlan0|eth1|dhcp-range|riverside-library/.test(l))) expect(conf).toContain(line);
  });

  it('when udhcpc asks for a lease, then it gets an address and the captive-portal URL', async () => {
    const script = path.join(dir, 'udhcpc.sh');
    fs.writeFileSync(script, SCRIPT, { mode: 0o755 });
    const out = path.join(dir, 'lease.env');
    await promisify(execFile)('ip', ['netns', 'exec', lab.wifi.ns.name, 'udhcpc', '-i', `thc${lab.tag}`, '-f', '-q', '-n', '-t', '20', '-T', '1', '-O', '114', '-s', script], {
      env: { ...process.env, LEASE_OUT: out },
      timeout: 60_000,
    });
    lease = Object.fromEntries(
      fs
        .readFileSync(out, 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(lease.ip).toMatch(/^10\.77\.0\.(5\d|[6-9]\d)$/);
    expect(lease.router).toBe(GATEWAY4);
    apiUrl = optionText(lease.opt114) ?? '';
    expect(apiUrl).toBe(`https://${PORTAL_HOST}/api/captive`);
    device = lab.wifi.trusting(tls.caFile, lease.dns?.split(' ')[0] ?? '');
  });

  it('when the device fetches the URL over verified HTTPS before login, then it is told it is captive, with the portal to go to', async () => {
    const res = await device.get(apiUrl);
    expect(res).toMatchObject({ ok: true, status: 200 });
    expect(JSON.parse(res.body ?? '{}')).toMatchObject({ captive: true, 'user-portal-url': expect.stringContaining(PORTAL_HOST) });
  });

  it('when the patron accepts the terms, then the same URL says captive: false with the seconds remaining', async () => {
    const page = await device.get(`http://${INTERNET.v4}/`);
    const cookie = (page.setCookie ?? []).map((c) => c.split(';')[0]).join('; ');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body ?? '')?.[1] ?? '';
    expect((await device.post(`http://${INTERNET.v4}/accept`, cookie, { _csrf: token, accept: 'yes' })).location).toBe('/status');
    const after = JSON.parse((await device.get(apiUrl)).body ?? '{}') as Record<string, unknown>;
    expect(after).toMatchObject({ captive: false });
    expect(after['seconds-remaining']).toBeGreaterThan(29 * 60);
    expect(after['seconds-remaining']).toBeLessThanOrEqual(30 * 60);
  });
});
