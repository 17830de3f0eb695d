// Runs the Firewall contract against the nftables backend inside a network namespace made for
// the test, plus what only nftables has: batching, the table kept across restarts, errors, and
// the walled garden changed live from the library settings (on two gateways sharing a store).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { LibrarySettingsBook } from '../../src/branding/settings-book';
import { configSchema } from '../../src/config/schema';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { systemClock } from '../../src/domain/clock';
import { NftablesFirewall, type NftablesOptions } from '../../src/firewall/nftables';
import { NftError, SpawnNftRunner } from '../../src/firewall/nft-runner';
import { firewallContract } from '../contract/firewall.contract';
import { Netns, requireNetnsSupport, suffix } from '../helpers/netns';

requireNetnsSupport();
const namespaces: Netns[] = [];
const firewalls: NftablesFirewall[] = [];
afterAll(async () => {
  await Promise.all(firewalls.map((f) => f.close().catch(() => undefined)));
  namespaces.forEach((n) => n.delete());
});

function makeNs(): Netns {
  const ns = new Netns('fw', suffix());
  namespaces.push(ns);
  return ns;
}

function backend(ns: Netns, extra: Partial<NftablesOptions> = {}): NftablesFirewall {
  const fw = new NftablesFirewall({
    logger: pino({ level: 'silent' }),
    clock: systemClock,
    portalPort: 8080,
    lanInterfaces: ['lan0'],
    walledGarden: ['192.0.2.80', '2001:db8:80::/64'],
    caps: [{ zoneId: 'wifi', subnets: ['10.9.0.0/16', '2001:db8:9::/64'], downBytesPerSecond: 1_250_000, upBytesPerSecond: 250_000 }],
    prefix: ns.prefix,
    ...extra,
  });
  firewalls.push(fw);
  return fw;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const updateMode of [undefined, 'recreate'] as const) {
  firewallContract(`nftables${updateMode ? ` (${updateMode} on update)` : ''}`, async () => {
    const ns = makeNs();
    const firewall = backend(ns, updateMode ? { updateMode } : {});
    return {
      firewall,
      wait: async (ms) => {
        await sleep(ms);
      },
      countsBytes: true,
      restart: async () => backend(ns, updateMode ? { updateMode } : {}),
      close: async () => ns.delete(),
    };
  });
}

describe('NftablesFirewall', () => {
  it('when 200 grants arrive at once and 50 more one by one, then no nft process is started after start-up', async () => {
    const ns = makeNs();
    const fw = backend(ns);
    await fw.init();
    const before = fw.nftProcesses;
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => fw.allow([{ ip: `10.9.${i >> 8}.${i & 255}`, zoneId: 'wifi', timeoutSeconds: 600 }])),
    );
    for (let i = 0; i < 50; i++) await fw.allow([{ ip: `10.9.9.${i}`, mac: '02:00:00:00:09:01', zoneId: 'wifi', timeoutSeconds: 600 }]);
    expect(fw.nftProcesses - before).toBe(0);
    expect(await fw.list()).toHaveLength(250);
  });

  it('when the table is re-created at start, then sessions in the kernel and their counters are kept and rules are not doubled', async () => {
    const ns = makeNs();
    const first = backend(ns);
    await first.init();
    await first.allow([{ ip: '10.9.0.5', mac: '02:00:00:00:00:05', zoneId: 'wifi', timeoutSeconds: 600 }]);
    // Traffic counted by the kernel while Threshold is down.
    ns.exec('nft', ['-f', '-'], 'delete element inet threshold allowed4 { 10.9.0.5 }\nadd element inet threshold allowed4 { 10.9.0.5 counter packets 3 bytes 4500 timeout 600s }\n');
    const rulesBefore = ns.exec('nft', ['list', 'table', 'inet', 'threshold']).split('\n').filter((l) => l.includes('redirect')).length;
    const second = backend(ns);
    await second.init();
    await second.init();
    const [entry] = await second.list();
    expect(entry).toMatchObject({ ip: '10.9.0.5', mac: '02:00:00:00:00:05', bytes: 4500 });
    const table = ns.exec('nft', ['list', 'table', 'inet', 'threshold']);
    expect(table.split('\n').filter((l) => l.includes('redirect')).length).toBe(rulesBefore);
    expect(table).toContain('limit rate over 1250000 bytes/second');
    expect(table).toMatch(/elements = \{ 192\.0\.2\.80 \}/);
  });

  it('when the walled garden is replaced (the library settings page), then the kernel sets hold the new entries at once and not the old', async () => {
    const ns = makeNs();
    const fw = backend(ns, { resolve: async (host) => (host === 'ebooks.example.org' ? [{ address: '198.51.100.7', family: 4 }] : Promise.reject(new Error('NXDOMAIN'))) });
    await fw.init();
    const garden = (f: 4 | 6) => ns.exec('nft', ['list', 'set', 'inet', 'threshold', `garden${f}`]);
    expect(garden(4)).toContain('192.0.2.80');
    const before = fw.nftProcesses;
    await fw.setWalledGarden(['ebooks.example.org', '203.0.113.0/24', '2001:db8:99::5']);
    expect(garden(4)).toMatch(/elements = \{ 198\.51\.100\.7, 203\.0\.113\.0\/24 \}/);
    expect(garden(4)).not.toContain('192.0.2.80');
    expect(garden(6)).toContain('2001:db8:99::5');
    expect(garden(6)).not.toContain('2001:db8:80::/64');
    await fw.setWalledGarden([]);
    expect(garden(4)).not.toContain('elements');
    expect(fw.nftProcesses - before).toBe(0);
  });

  it('when an admin saves a walled garden on one gateway, then its kernel has it at once and another gateway sharing the store has it after its reconcile refresh', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-garden-'));
    const store = new SqliteStore({ file: path.join(dir, 'threshold.db') });
    await store.init();
    try {
      const config = configSchema.parse({ dataDir: dir, walledGarden: ['192.0.2.80'] });
      const [nsA, nsB] = [makeNs(), makeNs()];
      const [fwA, fwB] = [backend(nsA), backend(nsB)];
      await fwA.init();
      await fwB.init();
      const logger = pino({ level: 'silent' });
      const bookA = new LibrarySettingsBook({ config, store, firewall: fwA, logger, now: Date.now });
      const bookB = new LibrarySettingsBook({ config, store, firewall: fwB, logger, now: Date.now });
      await bookB.refresh();
      const garden4 = (ns: Netns) => ns.exec('nft', ['list', 'set', 'inet', 'threshold', 'garden4']);
      await bookA.save({ walledGarden: ['203.0.113.0/24'] });
      expect(garden4(nsA)).toContain('203.0.113.0/24');
      expect(garden4(nsA)).not.toContain('192.0.2.80');
      expect(garden4(nsB)).toContain('192.0.2.80');
      await bookB.refresh();
      expect(garden4(nsB)).toContain('203.0.113.0/24');
      expect(garden4(nsB)).not.toContain('192.0.2.80');
      // Back to the configuration file's list when the admin's list is cleared.
      await bookA.save({});
      await bookB.refresh();
      expect(garden4(nsB)).toContain('192.0.2.80');
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('when the set layout in the kernel differs, then start fails saying how to fix it', async () => {
    const ns = makeNs();
    ns.exec('nft', ['add table inet threshold; add set inet threshold allowed4 { type ipv4_addr; }']);
    await expect(backend(ns).init()).rejects.toThrow(/nft delete table inet threshold/);
  });

  it('when nft is missing, then start fails with the command that installs it', async () => {
    const ns = makeNs();
    const fw = backend(ns, { runner: new SpawnNftRunner({ binary: '/nonexistent/nft' }) });
    await expect(fw.init()).rejects.toThrow(/apt-get install -y nftables/);
  });

  it('when the process lacks CAP_NET_ADMIN, then start fails saying how to grant it', async () => {
    const ns = makeNs();
    const fw = backend(ns, { runner: new SpawnNftRunner({ prefix: [...ns.prefix, 'setpriv', '--inh-caps=-net_admin', '--bounding-set=-net_admin'] }) });
    const err = await fw.init().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NftError);
    expect(String((err as Error).message)).toContain('AmbientCapabilities=CAP_NET_ADMIN');
  });

  it('when nft refuses a change, then the error names the command and what the kernel said, without the address', async () => {
    const ns = makeNs();
    const fw = backend(ns);
    await fw.init();
    ns.exec('nft', ['delete table inet threshold']);
    const err = (await fw.allow([{ ip: '10.9.0.7', zoneId: 'wifi', timeoutSeconds: 60 }]).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^nft -i failed: .*No such file or directory/);
    expect(err.message).toContain('add element inet threshold');
    expect(err.message).not.toContain('10.9.0.7');
  });

  it("when a device is let through, then its MAC has the session's time in the kernel, goes with a revoke, and arrivals read empty (also with the table gone)", async () => {
    const ns = makeNs();
    const fw = backend(ns);
    await fw.init();
    const mac = '02:00:00:00:09:07';
    await fw.allow([
      { ip: '10.9.0.7', mac, zoneId: 'wifi', timeoutSeconds: 600 },
      { ip: '2001:db8:9::7', mac, zoneId: 'wifi', timeoutSeconds: 600 },
    ]);
    expect(ns.exec('nft', ['list', 'set', 'inet', 'threshold', 'allowed_macs'])).toMatch(/02:00:00:00:09:07 timeout 10m/);
    expect(await fw.arrivals()).toEqual([]);
    await fw.revoke([{ ip: '10.9.0.7', mac }, { ip: '2001:db8:9::7', mac }]);
    expect(ns.exec('nft', ['list', 'set', 'inet', 'threshold', 'allowed_macs'])).not.toContain(mac);
    ns.exec('nft', ['delete table inet threshold']);
    expect(await fw.arrivals()).toEqual([]);
  });

  it('when an address is not an address, then allow throws without repeating it', async () => {
    const ns = makeNs();
    const fw = backend(ns);
    await fw.init();
    await expect(fw.allow([{ ip: '10.9.0.300', zoneId: 'wifi', timeoutSeconds: 60 }])).rejects.toThrow(/not a valid IPv4 or IPv6 address$/);
  });
});
