// The settings in force on a gateway: read through the outage breaker with a short cache, the
// last ones kept while the store is away, a damaged document taken as unset (the config file's
// values), and a patron's page never made to wait for the firewall's walled-garden update.
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';
import { waitFor } from '../helpers/wait';
import type { Firewall } from '../../src/firewall/types';
import { NoopFirewall } from '../../src/firewall/noop';

describe('library settings book', () => {
  let ctx: TestContext;
  afterEach(() => ctx?.close());

  it('when the store stops answering, then the settings last read stay in force, and new ones are seen once it is back', async () => {
    ctx = await makeTestApp({ config: { libraryName: 'Config Library' } });
    await ctx.deps.library.save({ libraryName: 'Saved Library' });
    const spy = jest.spyOn(ctx.deps.store, 'getLibrarySetting').mockRejectedValue(new Error('connection refused'));
    ctx.clock.advance(10_000);
    await expect(ctx.deps.library.current()).resolves.toEqual({ libraryName: 'Saved Library' });
    spy.mockRestore();
    await ctx.deps.store.setLibrarySetting('settings', JSON.stringify({ libraryName: 'Changed Elsewhere' }));
    // The breaker lets a call through again after its retry time (real time): wait for the page.
    const page = await waitFor(
      async () => {
        ctx.clock.advance(10_000);
        return new Patron(ctx.app, '10.0.0.9').get('/');
      },
      (res) => res.status === 200 && res.text.includes('Changed Elsewhere'),
    );
    expect(page.text).toContain('Changed Elsewhere');
  });

  it('when the stored document is damaged, then the configuration file\'s values apply and nothing fails', async () => {
    ctx = await makeTestApp({ config: { libraryName: 'Config Library' } });
    await ctx.deps.store.setLibrarySetting('settings', '{"libraryName": 42, not json');
    await ctx.deps.library.refresh();
    const res = await new Patron(ctx.app, '10.0.0.9').get('/');
    expect([res.status, res.text.includes('Config Library')]).toEqual([200, true]);
    expect(ctx.logs.join('')).toContain('library settings in the store could not be read');
  });

  it('when another gateway changed the walled garden, then the patron page that notices it does not wait for the firewall', async () => {
    let release: () => void = () => undefined;
    const slow = (logger: ConstructorParameters<typeof NoopFirewall>[0], clock: ConstructorParameters<typeof NoopFirewall>[1]): Firewall =>
      Object.assign(new NoopFirewall(logger, clock), { setWalledGarden: () => new Promise<void>((r) => (release = r)) });
    ctx = await makeTestApp({ firewall: slow });
    await ctx.deps.store.setLibrarySetting('settings', JSON.stringify({ walledGarden: ['catalogue.library.example'] }));
    ctx.clock.advance(10_000);
    const res = await new Patron(ctx.app, '10.0.0.9').get('/');
    expect(res.status).toBe(200);
    expect(ctx.deps.library.gardenOf()).toEqual(['catalogue.library.example']);
    release();
  });
});
