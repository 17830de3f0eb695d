// A library LAN of patron devices with known MACs, for the privacy e2e suites: each device is a
// network namespace whose interface has a fixed MAC (veth `address`) and a few IPv4 and IPv6
// addresses; all are ports of one bridge in the gateway namespace, as a Wi-Fi access point
// would be. The devices sign in through the portal form; the kernel's nftables sets are read back.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { normaliseIp } from '../../../src/domain/subnets';
import { parseTableListing, type KernelClient } from '../../../src/firewall/nft-listing';
import { Netns, sh, suffix } from '../../helpers/netns';
import { startServer, type ServerProcess } from '../../helpers/server-process';

export const LAN = { v4: '10.80.0.1', v6: 'fd80::1', subnet4: '10.80.0.0/16', subnet6: 'fd80::/64' };

export interface Device {
  ns: Netns;
  mac: string;
  /** Its source addresses, IPv4 first; each signs in as its own session. */
  addresses: string[];
}

export interface Answer {
  address: string;
  status: number;
  location?: string;
  error?: string;
}

const hex = (n: number) => n.toString(16).padStart(2, '0');
/** Moves the server's clock (see clock-offset.js). */
const CLOCK_OFFSET = path.join(__dirname, 'clock-offset.js');
/** The zone's session length: sessions end by time when the server's clock is moved past it. */
export const SESSION_MINUTES = 30;

export class DeviceLab {
  readonly tag = suffix();
  readonly gateway: Netns;
  /** The gateway's interface towards the devices (the bridge), for `lanInterfaces`. */
  readonly lan: string;
  readonly devices: Device[] = [];
  private readonly all: Netns[] = [];

  constructor(shape: { devices: number; v4: number; v6: number }) {
    const t = this.tag;
    this.lan = `thb${t}`;
    try {
      this.gateway = this.ns('gw');
      const gw = this.gateway;
      gw.exec('ip', ['link', 'add', this.lan, 'type', 'bridge', 'mcast_snooping', '0']);
      gw.exec('sysctl', ['-qw', `net.ipv6.conf.${this.lan}.accept_dad=0`]);
      gw.exec('ip', ['addr', 'add', `${LAN.v4}/16`, 'dev', this.lan]);
      gw.exec('ip', ['addr', 'add', `${LAN.v6}/64`, 'dev', this.lan, 'nodad']);
      gw.exec('ip', ['link', 'set', this.lan, 'up']);
      for (let i = 0; i < shape.devices; i++) {
        const ns = this.ns(`d${i}`);
        const mac = `a4:5e:60:d1:${hex(i)}:${hex(0x30 + i)}`;
        const port = `thp${t}${i}`;
        sh('ip', ['link', 'add', 'eth0', 'netns', ns.name, 'address', mac, 'type', 'veth', 'peer', 'name', port, 'netns', gw.name]);
        gw.exec('ip', ['link', 'set', port, 'master', this.lan]);
        gw.exec('ip', ['link', 'set', port, 'up']);
        ns.exec('sysctl', ['-qw', 'net.ipv6.conf.eth0.accept_dad=0']);
        const v4 = Array.from({ length: shape.v4 }, (_, k) => `10.80.${i + 1}.${10 + k}`);
        const v6 = Array.from({ length: shape.v6 }, (_, k) => `fd80::${(i + 1).toString(16)}:${(k + 1).toString(16)}`);
        for (const a of v4) ns.exec('ip', ['addr', 'add', `${a}/16`, 'dev', 'eth0']);
        for (const a of v6) ns.exec('ip', ['addr', 'add', `${a}/64`, 'dev', 'eth0', 'nodad']);
        ns.exec('ip', ['link', 'set', 'eth0', 'up']);
        ns.exec('ip', ['route', 'add', 'default', 'via', LAN.v4]);
        ns.exec('ip', ['-6', 'route', 'add', 'default', 'via', LAN.v6]);
        this.devices.push({ ns, mac, addresses: [...v4, ...v6] });
      }
    } catch (err) {
      this.destroy();
      throw err;
    }
  }

  /**
   * Starts `threshold serve` in the gateway namespace with the nftables backend, its clock
   * `offsetMs` ahead; the configuration (one zone for the whole LAN) is written to DATA_DIR.
   */
  serve(dataDir: string, opts: { offsetMs?: number; redisUrl?: string } = {}): Promise<ServerProcess> {
    const config = path.join(dataDir, 'threshold.json');
    if (!fs.existsSync(config)) {
      const policy = { sessionMinutes: SESSION_MINUTES, dailyMinutes: 1440, idleMinutes: 0 };
      const zones = [{ id: 'wifi', name: 'Wi-Fi', subnets: [LAN.subnet4, LAN.subnet6], policy }];
      fs.writeFileSync(config, JSON.stringify({ libraryName: 'Audit Library', timezone: 'UTC', lanInterfaces: [this.lan], zones }));
    }
    const env: Record<string, string> = {
      PORT: '8080',
      HOST: '::',
      DATA_DIR: dataDir,
      THRESHOLD_CONFIG: config,
      FIREWALL: 'nftables',
      LOG_LEVEL: 'info',
      NODE_OPTIONS: `--require ${CLOCK_OFFSET}`,
      THRESHOLD_TEST_CLOCK_OFFSET_MS: String(opts.offsetMs ?? 0),
      ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
    };
    return startServer(env, { prefix: this.gateway.prefix });
  }

  /** Every IP and MAC of every device: what must never be found in clear. */
  identifiers(): string[] {
    return this.devices.flatMap((d) => [d.mac, ...d.addresses]);
  }

  /** Signs every address of a device in (or out) through the portal form, all at once. */
  run(device: Device, mode: 'login' | 'logout'): Promise<Answer[]> {
    const script = path.join(__dirname, 'device-client.js');
    return new Promise((resolve, reject) => {
      execFile('ip', ['netns', 'exec', device.ns.name, process.execPath, script, mode, LAN.v4, LAN.v6, ...device.addresses], (err, stdout) => {
        if (err) reject(err);
        else resolve(JSON.parse(stdout) as Answer[]);
      });
    });
  }

  /** What the kernel lets through now: each allowed address, with the MAC it is held to. */
  async kernelClients(): Promise<KernelClient[]> {
    let listing: string;
    try {
      listing = this.gateway.exec('nft', ['-j', 'list', 'table', 'inet', 'threshold']);
    } catch {
      return [];
    }
    return (await parseTableListing(listing, normaliseIp)).clients;
  }

  /** The device each address belongs to, as address → MAC. */
  macOf(): Map<string, string> {
    return new Map(this.devices.flatMap((d) => d.addresses.map((a): [string, string] => [normaliseIp(a), d.mac])));
  }

  destroy(): void {
    for (const n of this.all) n.delete();
  }

  private ns(role: string): Netns {
    const n = new Netns(role, this.tag);
    this.all.push(n);
    return n;
  }
}
