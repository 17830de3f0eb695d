// The privacy audit's search itself: it must find an address in each spelling it claims to.
import { base64Inside, findLeaks } from '../helpers/leak-search';

describe('leak search', () => {
  it('when an address is base64-encoded inside a longer value at any alignment, then it is found', () => {
    const needle = Buffer.from('10.77.1.23');
    for (const pre of ['', 'a', 'ab', 'abc']) {
      const hay = Buffer.concat([Buffer.from(pre), needle, Buffer.from('xyz')]);
      for (const enc of [hay.toString('base64'), hay.toString('base64url')]) expect([pre, base64Inside(needle).some((b) => enc.includes(b))]).toEqual([pre, true]);
    }
  });

  it.each([
    ['a4:5e:60:d1:22:9f', 'a45e.60d1.229f'],
    ['a4:5e:60:d1:22:9f', 'A4-5E-60-D1-22-9F'],
    ['a4:5e:60:d1:22:9f', 'a45e60d1229f'],
    ['2001:db8:77::42', '2001:0db8:0077:0000:0000:0000:0000:0042'],
    ['2001:db8:77::42', Buffer.from('{"ip":"2001:db8:77::42"}').toString('base64url')],
    ['10.77.1.23', '0a4d0117'],
    ['10.77.1.23', Buffer.from([0, 1, 10, 77, 1, 23, 9])],
  ])('when %s is stored as %s, then it is found', (value, stored) => {
    expect(findLeaks([value], [{ where: 'x', data: stored }])).not.toEqual([]);
  });
});
