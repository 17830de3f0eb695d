// Reading the kernel's listing back (`nft -j list table`), without a kernel (the e2e suite reads
// a real one): the clients it holds, and that a large listing is read in slices with turns of the
// event loop between them (an injected clock, no timing).
import { parseTableListing } from '../../src/firewall/nft-listing';

const norm = (ip: string) => ip;

/** A listing of `n` IPv4 clients, each allowed, bound and paired with a MAC, as nft prints it. */
function listing(n: number, extra: Record<string, unknown>[] = []): string {
  const ip = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const mac = (i: number) => `02:00:00:${[(i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
  const ids = Array.from({ length: n }, (_, i) => i);
  return JSON.stringify({
    nftables: [
      { metainfo: { version: '1.0.6', json_schema_version: 1 } },
      { table: { family: 'inet', name: 'threshold', handle: 1 } },
      ...extra,
      { set: { family: 'inet', name: 'allowed4', table: 'threshold', type: 'ipv4_addr', flags: ['timeout'], elem: ids.map((i) => ({ elem: { val: ip(i), timeout: 3600, expires: 3000 + (i % 600), counter: { packets: i, bytes: i * 100 } } })) } },
      { set: { family: 'inet', name: 'bound4', table: 'threshold', type: 'ipv4_addr', elem: ids.map((i) => ({ elem: { val: ip(i), timeout: 3600, expires: 3000 } })) } },
      { set: { family: 'inet', name: 'pairs4', table: 'threshold', type: ['ipv4_addr', 'ether_addr'], elem: ids.map((i) => ({ elem: { val: { concat: [ip(i), mac(i).toUpperCase()] }, timeout: 3600, expires: 3000 } })) } },
      { chain: { family: 'inet', table: 'threshold', name: 'from_lan', handle: 2 } },
    ],
  });
}

describe('parseTableListing', () => {
  it('when the kernel lists the table, then clients come back with time left, bytes and the MAC they are bound to', async () => {
    const json = JSON.stringify({
      nftables: [
        { metainfo: { version: '1.0.6' } },
        { set: { name: 'allowed4', elem: [{ elem: { val: '10.0.0.1', timeout: 60, expires: 42, counter: { packets: 2, bytes: 300 } } }, { elem: { val: '10.0.0.2', timeout: 60, expires: 7 } }] } },
        { set: { name: 'bound4', elem: [{ elem: { val: '10.0.0.1', timeout: 60, expires: 42 } }] } },
        { set: { name: 'pairs4', elem: [{ elem: { val: { concat: ['10.0.0.1', '02:AA:00:00:00:01'] }, timeout: 60, expires: 42 } }, { elem: { val: { concat: ['10.0.0.2', '02:00:00:00:00:02'] } } }] } },
        { set: { name: 'allowed6', elem: ['2001:db8::5'] } },
        { set: { name: 'garden4', elem: [] } },
        { chain: { name: 'from_lan' } },
      ],
    });
    const parsed = await parseTableListing(json, norm);
    expect(parsed.clients).toEqual([
      { ip: '10.0.0.1', family: 4, expiresInSeconds: 42, counter: { packets: 2, bytes: 300 }, mac: '02:aa:00:00:00:01' },
      // A pair without the address being bound (left from an old grant) does not make it bound.
      { ip: '10.0.0.2', family: 4, expiresInSeconds: 7 },
      { ip: '2001:db8::5', family: 6, expiresInSeconds: 0 },
    ]);
    expect(parsed.sets).toEqual(['allowed4', 'bound4', 'pairs4', 'allowed6', 'garden4']);
  });

  it('when strings hold quotes, brackets and the word "elem", then the listing is still read as JSON.parse reads it', async () => {
    const tricky = [
      { chain: { name: 'c', comment: 'a "elem": [ trap ], {x}' } },
      { rule: { comment: 'back\\slash\\", "elem": [1]' } },
      { set: { name: 'bound6', comment: '[{,}]', elem: [] } },
      // Named after its elements (nft names a set first; the reader must not depend on it).
      { set: { elem: [{ elem: { val: '2001:db8::7', expires: 5 } }], name: 'allowed6' } },
    ];
    const json = listing(50, tricky);
    const parsed = await parseTableListing(json, norm);
    expect(parsed.clients).toHaveLength(51);
    expect(parsed.clients[49]).toEqual({ ip: '10.0.0.49', family: 4, expiresInSeconds: 3049, counter: { packets: 49, bytes: 4900 }, mac: '02:00:00:00:00:31' });
    expect(parsed.clients[50]).toEqual({ ip: '2001:db8::7', family: 6, expiresInSeconds: 5 });
    expect(parsed.sets).toEqual(['bound6', 'allowed6', 'allowed4', 'bound4', 'pairs4']);
  });

  it('when the listing is large, then the work is cut in slices of the given length with a turn of the event loop between them', async () => {
    // Each look at the clock moves it on 0.25 ms: the slices are counted in looks, not timed.
    let t = 0;
    let yields = 0;
    let longest = 0;
    let sliceStart = 0;
    const now = () => (t += 0.25);
    const pause = async () => {
      longest = Math.max(longest, t - sliceStart);
      yields++;
      sliceStart = t;
    };
    const parsed = await parseTableListing(listing(5000), norm, { sliceMs: 2, now, pause });
    expect(parsed.clients).toHaveLength(5000);
    // 15,000 elements read and 5,000 clients bound, a look every 256 of them: a turn every 8 looks.
    expect(yields).toBeGreaterThanOrEqual(8);
    // A slice ends at the first look past its time (one look on top, and one more for the look
    // that started it).
    expect(longest).toBeLessThanOrEqual(2 + 2 * 0.25);
  });
});
