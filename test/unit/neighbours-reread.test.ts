// A neighbour-table miss before a grant is re-read (bounded and coalesced), so a client that
// arrived since the last read is sealed with its MAC, not by its address alone.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NEIGHBOUR_REREADS_PER_SECOND, ProcNeighbourTable } from '../../src/firewall/neighbours';

const HEADER = 'IP address HW type Flags HW address Mask Device\n';
const entry = (i: number) => `10.0.0.${i} 0x1 0x2 02:00:00:00:00:${String(i).padStart(2, '0')} * wlan0\n`;

describe('neighbour table re-read on a miss', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arp-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when 59 new clients arrive within the cache second, then every fresh lookup finds its MAC, with reads bounded', () => {
    const arp = path.join(dir, 'arp');
    fs.writeFileSync(arp, HEADER);
    let now = 0;
    let reads = 0;
    const read = fs.readFileSync;
    const spy = jest.spyOn(fs, 'readFileSync').mockImplementation(((...args: Parameters<typeof read>) => {
      if (args[0] === arp) reads++;
      return read(...args);
    }) as typeof read);
    try {
      const table = new ProcNeighbourTable(arp, () => now, () => '');
      expect(table.lookup('10.0.0.1')).toBeUndefined();
      let rows = HEADER;
      const found: (string | undefined)[] = [];
      for (let i = 1; i <= 59; i++) {
        // A client appears in the kernel's table (its TCP handshake put it there), then asks for a session.
        now += 15;
        rows += entry(i);
        fs.writeFileSync(arp, rows);
        expect(table.lookup(`10.0.0.${i}`)).toBeUndefined(); // the cached read does not have it yet...
        found.push(table.lookup(`10.0.0.${i}`, { fresh: true })); // ...the grant's fresh lookup does
      }
      expect(found.filter((m) => m === undefined).length).toBe(0);
      expect(found[58]).toBe('02:00:00:00:00:59');
      // One re-read per new client at most, besides the cache's own reads.
      expect(reads).toBeLessThanOrEqual(1 + 59 + Math.ceil(now / 1000));
    } finally {
      spy.mockRestore();
    }
  });

  it('when misses come in the same millisecond, then they share one re-read, and re-reads are capped per second', () => {
    const arp = path.join(dir, 'arp');
    fs.writeFileSync(arp, HEADER);
    let now = 0;
    let v6Reads = 0;
    const table = new ProcNeighbourTable(arp, () => now, () => {
      v6Reads++;
      return '';
    });
    table.lookup('fd77::1');
    now = 5;
    for (let i = 2; i < 40; i++) table.lookup(`fd77::${i}`, { fresh: true });
    expect(v6Reads).toBe(2);
    for (let i = 0; i < NEIGHBOUR_REREADS_PER_SECOND * 3; i++) {
      now += 1;
      table.lookup(`fd77::a:${i}`, { fresh: true });
    }
    // 300 misses over 300 ms: capped at the per-second budget, of which one was used above.
    expect(v6Reads).toBe(1 + NEIGHBOUR_REREADS_PER_SECOND);
  });
});
