// A small library network in network namespaces: two patron LANs (Wi-Fi and kiosks) and an
// "internet" joined through a gateway namespace, with a plain web server on the internet side.
import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { link, Netns, suffix } from '../../helpers/netns';

export const INTERNET = { v4: '198.51.100.2', garden: '198.51.100.3', v6: '2001:db8:77::2' };
export const WIFI = { subnet4: '10.77.0.0/24', subnet6: 'fd77::/64', client4: '10.77.0.2', client6: 'fd77::2' };
export const KIOSK = { subnet4: '10.78.0.0/24', client4: '10.78.0.2' };
/** What the internet host says, so a test can tell it from the portal. */
export const HOST_REPLY = 'hello from the internet host';

export interface NetResult {
  ok: boolean;
  error?: string;
  status?: number;
  location?: string;
  setCookie?: string[];
  body?: string;
  bytes?: number;
  ms?: number;
}

export class Client {
  /** @param env settings for net-client.js (NET_CLIENT_FROM, NET_CLIENT_CA, NET_CLIENT_DNS) */
  constructor(
    readonly ns: Netns,
    private readonly env: Record<string, string> = {},
  ) {}

  /** The same device sending from another of its addresses. */
  from(source: string): Client {
    return new Client(this.ns, { ...this.env, NET_CLIENT_FROM: source });
  }

  /** The same device verifying HTTPS against `caFile` and resolving names with the DNS server at `dns`. */
  trusting(caFile: string, dns: string): Client {
    return new Client(this.ns, { ...this.env, NET_CLIENT_CA: caFile, NET_CLIENT_DNS: dns });
  }

  private run(args: string[]): Promise<NetResult> {
    const env = { ...process.env, ...this.env };
    return new Promise((resolve, reject) => {
      execFile('ip', ['netns', 'exec', this.ns.name, process.execPath, path.join(__dirname, 'net-client.js'), ...args], { env }, (err, stdout) => {
        if (err) reject(err);
        else resolve(JSON.parse(stdout) as NetResult);
      });
    });
  }

  get(url: string, cookie = ''): Promise<NetResult> {
    return this.run(['get', url, cookie]);
  }

  post(url: string, cookie: string, form: Record<string, string>): Promise<NetResult> {
    return this.run(['post', url, cookie, new URLSearchParams(form).toString()]);
  }

  /** Fetches a URL, counting the bytes and the time it took. */
  download(url: string): Promise<NetResult> {
    return this.run(['download', url]);
  }

  connect(hostPort: string): Promise<NetResult> {
    return this.run(['connect', hostPort]);
  }
}

export class GatewayLab {
  readonly tag = suffix();
  readonly gateway: Netns;
  readonly internet: Netns;
  readonly wifi: Client;
  readonly kiosk: Client;
  /** The gateway's interfaces towards the patrons. */
  readonly lanInterfaces: string[];
  private readonly all: Netns[] = [];
  private web?: ChildProcess;

  constructor() {
    const t = this.tag;
    const ns = (role: string) => {
      const n = new Netns(role, t);
      this.all.push(n);
      return n;
    };
    try {
      this.gateway = ns('gw');
      this.internet = ns('net');
      const wifi = ns('wifi');
      const kiosk = ns('kiosk');
      this.wifi = new Client(wifi);
      this.kiosk = new Client(kiosk);
      this.lanInterfaces = [`thw${t}`, `thk${t}`];
      link(wifi, `thc${t}`, ['10.77.0.2/24', 'fd77::2/64'], this.gateway, this.lanInterfaces[0]!, ['10.77.0.1/24', 'fd77::1/64']);
      link(kiosk, `thd${t}`, ['10.78.0.2/24'], this.gateway, this.lanInterfaces[1]!, ['10.78.0.1/24']);
      link(this.gateway, `thu${t}`, ['198.51.100.1/24', '2001:db8:77::1/64'], this.internet, `thi${t}`, [
        '198.51.100.2/24',
        '198.51.100.3/24',
        '2001:db8:77::2/64',
      ]);
      wifi.exec('ip', ['route', 'add', 'default', 'via', '10.77.0.1']);
      wifi.exec('ip', ['-6', 'route', 'add', 'default', 'via', 'fd77::1']);
      kiosk.exec('ip', ['route', 'add', 'default', 'via', '10.78.0.1']);
      this.internet.exec('ip', ['route', 'add', '10.77.0.0/24', 'via', '198.51.100.1']);
      this.internet.exec('ip', ['route', 'add', '10.78.0.0/24', 'via', '198.51.100.1']);
      this.internet.exec('ip', ['-6', 'route', 'add', 'fd77::/64', 'via', '2001:db8:77::1']);
      this.gateway.exec('sysctl', ['-qw', 'net.ipv4.ip_forward=1', 'net.ipv6.conf.all.forwarding=1']);
    } catch (err) {
      this.destroy();
      throw err;
    }
  }

  /** A web server on the internet side answering on ports 80, 443 and 8000, IPv4 and IPv6. */
  async startInternetHost(): Promise<void> {
    const script = `
      const http = require('node:http');
      for (const port of [80, 443, 8000]) {
        http.createServer((req, res) => {
          // /bytes/<n> sends n bytes, for bandwidth and data-allowance checks.
          const n = /^\\/bytes\\/(\\d+)$/.exec(req.url);
          res.end(n ? Buffer.alloc(Number(n[1]), 120) : ${JSON.stringify(HOST_REPLY)});
        }).listen(port, '::', () => console.log('up ' + port));
      }`;
    this.web = this.internet.spawn(process.execPath, ['-e', script]);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`internet host did not start: ${out}`)), 5000);
      this.web!.stdout!.on('data', (d) => {
        out += d;
        if ((out.match(/up /g) ?? []).length === 3) {
          clearTimeout(timer);
          resolve();
        }
      });
      this.web!.stderr!.on('data', (d) => (out += d));
    });
  }

  destroy(): void {
    this.web?.kill('SIGKILL');
    for (const n of this.all) n.delete();
  }
}
