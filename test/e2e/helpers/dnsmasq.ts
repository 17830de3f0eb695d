// dnsmasq as the deploy kit sets it up (deploy/dnsmasq-threshold.conf), adapted to a test
// network: the same file with the interface, range and portal host name replaced, and the
// settings a throwaway instance needs (no system files, leases in a temp directory).
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Netns } from '../../helpers/netns';
import { ROOT } from '../../helpers/server-process';

export const DEPLOY_DNSMASQ = path.join(ROOT, 'deploy', 'dnsmasq-threshold.conf');
/** The host name the deploy file uses for the portal; replaced by the test's. */
const DEPLOY_HOST = 'portal.riverside-library.example';

export interface DnsmasqLan {
  iface: string;
  /** e.g. "10.77.0.50,10.77.0.99,255.255.255.0,2h" */
  range: string;
  portalHost: string;
  dir: string;
}

/**
 * The deploy file for one LAN: its Wi-Fi lines on `iface`, the second LAN (eth1, the kiosk range)
 * left out, the portal's host name replaced. Everything else is kept as the deploy kit has it.
 */
export function dnsmasqConfig(deploy: string, lan: DnsmasqLan): string {
  const lines = deploy
    .split('\n')
    .filter((l) => !/\beth1\b/.test(l) && !l.startsWith('dhcp-range=set:kiosk'))
    .map((l) => l.replace(/\bwlan0\b/g, lan.iface).replace(DEPLOY_HOST, lan.portalHost))
    .map((l) => (l.startsWith('dhcp-range=set:wifi,') ? `dhcp-range=set:wifi,${lan.range}` : l));
  return [
    ...lines,
    '# Test-only: a throwaway instance reads no system files and keeps its leases in its directory.',
    'no-resolv',
    'no-hosts',
    `dhcp-leasefile=${path.join(lan.dir, 'leases')}`,
    `pid-file=${path.join(lan.dir, 'dnsmasq.pid')}`,
    'user=root',
    'log-facility=-',
    '',
  ].join('\n');
}

/** Starts dnsmasq in `ns` with the deploy kit's file adapted to `lan`; resolves once it serves. */
export async function startDnsmasq(ns: Netns, lan: DnsmasqLan): Promise<ChildProcess> {
  const conf = path.join(lan.dir, 'dnsmasq.conf');
  fs.writeFileSync(conf, dnsmasqConfig(fs.readFileSync(DEPLOY_DNSMASQ, 'utf8'), lan));
  const child = ns.spawn('dnsmasq', ['--keep-in-foreground', `--conf-file=${conf}`]);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`dnsmasq did not start:\n${out}`)), 20_000);
    const check = (d: Buffer) => {
      out += d;
      // It reads its configuration, then says which DHCP range it serves.
      if (/DHCP, IP range/.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout!.on('data', check);
    child.stderr!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`dnsmasq exited with ${code}:\n${out}`));
    });
  });
  return child;
}
