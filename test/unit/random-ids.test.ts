// Ids come from the injected random source: a fixed source gives a fixed, well-formed UUID.
import { cryptoRandom, randomUuid } from '../../src/privacy/random';

describe('randomUuid', () => {
  it('when the random source is fixed, then the id is fixed and a version-4 UUID', () => {
    const fixed = { bytes: (n: number) => Buffer.alloc(n, 0xff) };
    expect(randomUuid(fixed)).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });
  it('when the source is the real one, then ids differ and keep the form', () => {
    const a = randomUuid(cryptoRandom);
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(randomUuid(cryptoRandom)).not.toBe(a);
  });
});
