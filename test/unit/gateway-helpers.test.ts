// Small gateway helpers: the IPv6 neighbour table, the walled garden, the capability check.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ProcNeighbourTable, parseIpNeigh } from '../../src/firewall/neighbours';
import { hasNetAdmin } from '../../src/firewall/nft-runner';
import { portalHost, resolveGarden } from '../../src/firewall/walled-garden';

describe('neighbour table', () => {
  it('when `ip -6 neigh` lists neighbours, then reachable and stale ones give a MAC and failed ones none', () => {
    const map = parseIpNeigh(
      [
        'fd77:0:0::2 dev wlan0 lladdr 02:AB:00:00:00:02 REACHABLE',
        'fe80::1 dev wlan0 lladdr 02:00:00:00:00:01 router STALE',
        'fd77::9 dev wlan0 FAILED',
        'fd77::8 dev wlan0 lladdr 02:00:00:00:00:08 INCOMPLETE',
        '',
      ].join('\n'),
    );
    expect([...map]).toEqual([
      ['fd77::2', '02:ab:00:00:00:02'],
      ['fe80::1', '02:00:00:00:00:01'],
    ]);
  });

  it('when IPv4 and IPv6 clients ask, then each table is read at most once a second, IPv6 only when needed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arp-'));
    const arp = path.join(dir, 'arp');
    fs.writeFileSync(arp, 'IP address HW type Flags HW address Mask Device\n10.0.0.2 0x1 0x2 02:00:00:00:00:02 * wlan0\n10.0.0.3 0x1 0x0 00:00:00:00:00:00 * wlan0\n');
    let now = 0;
    let reads = 0;
    const table = new ProcNeighbourTable(arp, () => now, () => {
      reads++;
      return 'fd77::2 dev wlan0 lladdr 02:00:00:00:00:22 REACHABLE\n';
    });
    expect(table.lookup('10.0.0.2')).toBe('02:00:00:00:00:02');
    expect(table.lookup('10.0.0.3')).toBeUndefined();
    expect(reads).toBe(0);
    expect(table.lookup('fd77::2')).toBe('02:00:00:00:00:22');
    expect(table.lookup('fd77::3')).toBeUndefined();
    expect(reads).toBe(1);
    now = 1500;
    table.lookup('fd77::2');
    expect(reads).toBe(2);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('walled garden', () => {
  it('when entries mix addresses, subnets and host names, then names are resolved and the rest kept as written', async () => {
    const resolve = async (host: string) => {
      if (host === 'catalogue.example') return [{ address: '203.0.113.9', family: 4 }, { address: '2001:db8:0:0::9', family: 6 }];
      throw new Error('ENOTFOUND');
    };
    const garden = await resolveGarden(['192.0.2.7/24', '2001:db8:5::/48', 'catalogue.example', 'gone.example'], resolve);
    expect(garden).toEqual({ v4: ['192.0.2.0/24', '203.0.113.9'], v6: ['2001:db8:5::/48', '2001:db8::9'], unresolved: ['gone.example'] });
  });

  it('when the portal has a URL, then its host is part of the garden', () => {
    expect(portalHost('https://portal.library.example/')).toEqual(['portal.library.example']);
    expect(portalHost('http://[2001:db8::1]:8080/')).toEqual(['2001:db8::1']);
    expect(portalHost(undefined)).toEqual([]);
  });
});

describe('hasNetAdmin', () => {
  it('when the effective capability set has bit 12, then the process may manage nftables', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'caps-'));
    const file = path.join(dir, 'status');
    fs.writeFileSync(file, 'Name:\tnode\nCapEff:\t0000000000001000\n');
    expect(hasNetAdmin(file)).toBe(true);
    fs.writeFileSync(file, 'Name:\tnode\nCapEff:\t0000000000000000\n');
    expect(hasNetAdmin(file)).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
