// Gateway configuration: the nftables backend needs LAN interfaces; lists come from the
// environment as comma-separated values; garden entries, caps and allowances are checked.
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load';
import { nftStartScript } from '../../src/firewall/nft-script-preview';

function problems(env: Record<string, string>, file?: Record<string, unknown>): string[] {
  try {
    if (file) {
      const fs = require('node:fs') as typeof import('node:fs');
      const p = `${require('node:os').tmpdir()}/threshold-cfg-${process.pid}-${Math.random()}.json`;
      fs.writeFileSync(p, JSON.stringify(file));
      try {
        loadConfig({ ...env, THRESHOLD_CONFIG: p });
      } finally {
        fs.rmSync(p);
      }
    } else loadConfig(env);
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('gateway configuration', () => {
  it('when FIREWALL is nftables without LAN interfaces, then it says which setting to add', () => {
    expect(problems({ FIREWALL: 'nftables' })).toEqual([
      'lanInterfaces: got missing; expected the LAN interfaces patrons are on when FIREWALL is nftables, e.g. LAN_INTERFACES=wlan0,eth1',
    ]);
  });

  it('when LAN_INTERFACES and WALLED_GARDEN are set, then they are read as comma-separated lists', () => {
    const c = loadConfig({ FIREWALL: 'nftables', LAN_INTERFACES: 'wlan0, eth1', WALLED_GARDEN: 'catalogue.library.example,192.0.2.0/24' });
    expect(c.lanInterfaces).toEqual(['wlan0', 'eth1']);
    expect(c.walledGarden).toEqual(['catalogue.library.example', '192.0.2.0/24']);
  });

  it('when an interface, a garden entry, a cap and an allowance are bad, then each is reported with its path', () => {
    const found = problems(
      {},
      {
        lanInterfaces: ['wlan0; drop'],
        walledGarden: ['https://catalogue.example/'],
        zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.0.0.0/8'], bandwidth: { downMbps: 0 }, policy: { dataMB: -1 } }],
      },
    );
    const keys = found.map((p) => p.split(' in ')[0]).sort();
    expect(keys).toEqual(['lanInterfaces.0', 'walledGarden.0', 'zones.0.bandwidth.downMbps', 'zones.0.policy.dataMB']);
    expect(found.join('\n')).toContain('expected a network interface name');
    expect(found.join('\n')).toContain('expected an IP address, a subnet');
  });

  it('when the deploy example is checked, then it is valid and its firewall script caps the Wi-Fi zone', async () => {
    const file = path.join(__dirname, '..', '..', 'deploy', 'threshold.example.json');
    const config = loadConfig({ THRESHOLD_CONFIG: file });
    expect(config.zones.map((z) => z.id)).toEqual(['wifi', 'kiosk']);
    const script = await nftStartScript(config, async () => [{ address: '203.0.113.20', family: 4 }]);
    expect(script).toContain('iifname != { "wlan0", "eth1" } return');
    expect(script).toContain('ip daddr 10.10.0.0/16 update @capdown4 { ip daddr limit rate over 2500000 bytes/second } drop');
    expect(script).toContain('fib daddr type local tcp dport 443 redirect to :8443');
    expect(script).toContain('add element inet threshold garden4 { 203.0.113.20 }');
  });
});
