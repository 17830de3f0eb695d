// The nft scripts Threshold writes and the listings it reads, without a kernel (the e2e suite
// applies them to a real one).
import { elementsScript, type ClientOp } from '../../src/firewall/nft-elements';
import { parseArrivals } from '../../src/firewall/nft-listing';
import { gardenScript, templateScript } from '../../src/firewall/nft-template';

const norm = (ip: string) => ip;

describe('templateScript', () => {
  const script = templateScript({
    table: 'threshold',
    lanInterfaces: ['wlan0', 'eth1'],
    portalPort: 8080,
    portalHttpsPort: 8443,
    caps: [{ zoneId: 'wifi', subnets: ['10.10.0.5/16', '2001:db8:10::/64'], downBytesPerSecond: 1_250_000 }],
  });

  it('when applied again, then sets are only added (their elements kept) and chains are flushed before being refilled', () => {
    expect(script).not.toMatch(/^(delete|flush) (table|set inet threshold (allowed|bound|pairs))/m);
    const lines = script.split('\n');
    const firstRule = lines.findIndex((l) => l.startsWith('add rule'));
    const lastFlush = lines.map((l) => l.startsWith('flush chain')).lastIndexOf(true);
    expect(lastFlush).toBeLessThan(firstRule);
  });

  it('when built, then the client sets have per-element timeouts and counters', () => {
    expect(script).toContain('add set inet threshold allowed4 { type ipv4_addr; flags timeout; counter; }');
    expect(script).toContain('add set inet threshold allowed6 { type ipv6_addr; flags timeout; counter; }');
    expect(script).toContain('add set inet threshold pairs4 { type ipv4_addr . ether_addr; flags timeout; }');
  });

  const natRules = () => script.split('\n').filter((l) => l.startsWith('add rule inet threshold nat_prerouting ')).map((l) => l.slice('add rule inet threshold nat_prerouting '.length));

  it('when a device let through sends from an address that is not, then the kernel notes it', () => {
    expect(natRules()).toContain('ether saddr @allowed_macs ip6 saddr != { ::, fe80::/10 } ip6 saddr != @allowed6 add @arrivals6 { ip6 saddr . ether saddr }');
    expect(script).toContain('add set inet threshold arrivals4 { type ipv4_addr . ether_addr; size 4096; flags dynamic,timeout; timeout 30s; }');
  });

  it('when a packet is captured or not, then the counted set is only asked in the negative (requests to the portal are not data used)', () => {
    const asked = natRules().filter((r) => /@allowed[46]/.test(r));
    expect(asked.length).toBe(4);
    for (const r of asked) expect(r).toMatch(/saddr != @allowed[46]/);
    expect(natRules()).toContain('ip6 saddr != @allowed6 goto capture');
  });

  it('when built, then only LAN traffic is touched and port 80 of everyone else goes to the portal', () => {
    expect(script).toContain('add rule inet threshold nat_prerouting iifname != { "wlan0", "eth1" } return');
    expect(script).toContain('add rule inet threshold capture tcp dport 80 redirect to :8080');
    // The portal's own name works on ports 80 and 443 for everyone, without binding low ports.
    expect(script).toContain('nat_prerouting fib daddr type local tcp dport 443 redirect to :8443');
    expect(script).toContain('add rule inet threshold filter_forward iifname { "wlan0", "eth1" } jump from_lan');
  });

  it('when a client is not let through, then only the walled garden passes (DNS and DHCP are the gateway\'s own), for IPv6 too', () => {
    const notAdmitted = script.split('\n').filter((l) => l.includes(' not_admitted ') && l.startsWith('add rule'));
    // No forwarded port 53 or 67 to any host: that would be a way round the portal.
    expect(script).not.toMatch(/dport 53|dport \{ 67/);
    expect(notAdmitted.map((l) => l.replace('add rule inet threshold not_admitted ', ''))).toEqual([
      'ip daddr @garden4 accept',
      'ip6 daddr @garden6 accept',
      'drop',
    ]);
  });

  it('when a zone has a bandwidth cap, then each of its subnets gets a per-client token bucket', () => {
    expect(script).toContain('admitted_down ip daddr 10.10.0.0/16 update @capdown4 { ip daddr limit rate over 1250000 bytes/second } drop');
    expect(script).toContain('admitted_down ip6 daddr 2001:db8:10::/64 update @capdown6 { ip6 daddr limit rate over 1250000 bytes/second } drop');
    expect(script).not.toContain('admitted_up ip saddr');
  });

  it('when a packet is over the cap, then it is dropped before the lookup that counts it against the data allowance', () => {
    const rules = (chain: string) =>
      script.split('\n').filter((l) => l.startsWith(`add rule inet threshold ${chain} `)).map((l) => l.slice(`add rule inet threshold ${chain} `.length));
    expect(rules('to_lan').slice(0, 3)).toEqual(['jump admitted_down', 'ip daddr @allowed4 accept', 'ip6 daddr @allowed6 accept']);
    expect(rules('from_lan').slice(2, 5)).toEqual(['jump admitted_up', 'ip saddr @allowed4 accept', 'ip6 saddr @allowed6 accept']);
    expect(rules('admitted_down').every((r) => r.endsWith(' drop'))).toBe(true);
  });

  it('when the walled garden changes, then its sets are replaced in one transaction', () => {
    expect(gardenScript('threshold', { v4: ['192.0.2.0/24', '198.51.100.7'], v6: [] })).toBe(
      'flush set inet threshold garden4\nadd element inet threshold garden4 { 192.0.2.0/24, 198.51.100.7 }\nflush set inet threshold garden6\n',
    );
  });
});

describe('elementsScript', () => {
  const allow = (family: 4 | 6, ip: string, mac: string, timeoutSeconds: number): ClientOp => ({ kind: 'allow', family, ip, mac, timeoutSeconds });

  it('when clients are allowed, then each set gets one statement with every element and its timeout', () => {
    const s = elementsScript('threshold', [allow(4, '10.0.0.1', '02:00:00:00:00:01', 60), allow(4, '10.0.0.2', '02:00:00:00:00:02', 90.2)], 'update');
    expect(s).toBe(
      'add element inet threshold allowed4 { 10.0.0.1 timeout 60s, 10.0.0.2 timeout 91s }\n' +
        'add element inet threshold bound4 { 10.0.0.1 timeout 60s, 10.0.0.2 timeout 91s }\n' +
        'add element inet threshold pairs4 { 10.0.0.1 . 02:00:00:00:00:01 timeout 60s, 10.0.0.2 . 02:00:00:00:00:02 timeout 91s }\n' +
        'add element inet threshold allowed_macs { 02:00:00:00:00:01 timeout 60s, 02:00:00:00:00:02 timeout 91s }\n',
    );
  });

  it('when two addresses of one device are allowed, then its MAC is written once, with the last time asked for', () => {
    const s = elementsScript('threshold', [allow(4, '10.0.0.1', '02:00:00:00:00:01', 60), allow(6, 'fd00::1', '02:00:00:00:00:01', 59)], 'update');
    expect(s).toContain('add element inet threshold allowed_macs { 02:00:00:00:00:01 timeout 59s }\n');
    expect(s).toContain('add element inet threshold pairs6 { fd00::1 . 02:00:00:00:00:01 timeout 59s }\n');
  });

  it('when a device is revoked with its MAC, then the MAC goes too, so its new addresses are no longer noted', () => {
    const s = elementsScript('threshold', [{ kind: 'revoke', family: 6, ip: 'fd00::1', mac: '02:00:00:00:00:01' }], 'update');
    expect(s).toContain('add element inet threshold allowed_macs { 02:00:00:00:00:01 timeout 1s }\n');
    expect(s).toContain('delete element inet threshold allowed_macs { 02:00:00:00:00:01 }\n');
  });

  it('when a client is revoked, then each delete is preceded by an add, so a missing element cannot fail the batch', () => {
    const s = elementsScript('threshold', [{ kind: 'revoke', family: 6, ip: '2001:db8::1' }], 'update');
    expect(s).toBe(
      'add element inet threshold allowed6 { 2001:db8::1 timeout 1s }\nadd element inet threshold bound6 { 2001:db8::1 timeout 1s }\n' +
        'delete element inet threshold allowed6 { 2001:db8::1 }\ndelete element inet threshold bound6 { 2001:db8::1 }\n',
    );
  });

  it('when the kernel cannot update timeouts, then the element is re-created with the counter it had', () => {
    const s = elementsScript('threshold', [{ kind: 'allow', family: 4, ip: '10.0.0.1', timeoutSeconds: 60, counter: { packets: 3, bytes: 900 } }], 'recreate');
    expect(s).toContain('delete element inet threshold allowed4 { 10.0.0.1 }');
    expect(s).toMatch(/add element inet threshold allowed4 \{ 10\.0\.0\.1 counter packets 3 bytes 900 timeout 60s \}\n$/);
  });
});

describe('parseArrivals', () => {
  it('when the kernel lists an arrivals set, then each noted address comes back with its MAC', () => {
    const json = JSON.stringify({
      nftables: [{ metainfo: {} }, { set: { name: 'arrivals6', elem: [{ elem: { val: { concat: ['fd00::5', '02:AA:00:00:00:01'] }, expires: 20 } }] } }],
    });
    expect(parseArrivals(json, norm)).toEqual([{ ip: 'fd00::5', mac: '02:aa:00:00:00:01' }]);
    expect(parseArrivals(JSON.stringify({ nftables: [{ set: { name: 'arrivals4' } }] }), norm)).toEqual([]);
  });
});
