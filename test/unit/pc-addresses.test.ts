// Which kiosk PC asks from which address: the newest address wins, and a retired PC is forgotten.
import { PcAddresses } from '../../src/queue/pc-addresses';

describe('kiosk PC addresses (memory only)', () => {
  test('when a PC asks from a new address, then only the new one finds it; when it is forgotten, neither does', () => {
    const pcs = new PcAddresses();
    pcs.note({ name: 'pc-1', zoneId: 'kiosks' }, '10.20.0.5');
    pcs.note({ name: 'pc-1', zoneId: 'kiosks' }, '10.20.0.6');
    expect(pcs.at('10.20.0.5')).toBeUndefined();
    expect(pcs.at('10.20.0.6')).toEqual({ name: 'pc-1', zoneId: 'kiosks' });
    expect(pcs.addressOf('pc-1')).toBe('10.20.0.6');
    pcs.forget('pc-1');
    expect(pcs.at('10.20.0.6')).toBeUndefined();
    expect(pcs.addressOf('pc-1')).toBeUndefined();
  });
});
