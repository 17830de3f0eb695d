// The batcher: a burst of changes shares one batch, the last change per client wins, and one
// refused change does not fail the others.
import { Batcher } from '../../src/firewall/nft-batcher';

type Op = { ip: string; what: string };

function recorder(fail?: (ops: Op[]) => boolean, windowMs: number | 'default' = 2) {
  const batches: Op[][] = [];
  const starts: number[] = [];
  const batcher = new Batcher<Op>({
    ...(windowMs === 'default' ? {} : { windowMs }),
    apply: async (ops) => {
      batches.push(ops);
      starts.push(performance.now());
      await new Promise((r) => setTimeout(r, 5));
      if (fail?.(ops)) throw new Error('refused');
    },
  });
  const submit = (ip: string, what: string) => batcher.submit([{ key: ip, op: { ip, what } }]);
  return { batches, starts, batcher, submit };
}

describe('Batcher', () => {
  it('when many changes arrive in the same few milliseconds, then they go in one batch', async () => {
    const { batches, submit } = recorder();
    await Promise.all(Array.from({ length: 100 }, (_, i) => submit(`10.0.0.${i}`, 'allow')));
    expect(batches).toHaveLength(1);
    expect(batches[0]).toHaveLength(100);
  });

  it('when changes arrive while a batch is applied, then they wait and go together in the next one', async () => {
    const { batches, submit } = recorder();
    const first = submit('10.0.0.1', 'allow');
    await new Promise((r) => setTimeout(r, 4)); // the first batch is now running
    await Promise.all([first, ...Array.from({ length: 10 }, (_, i) => submit(`10.0.1.${i}`, 'allow'))]);
    expect(batches.map((b) => b.length)).toEqual([1, 10]);
  });

  it('when changes keep arriving, then batches leave at least a window apart and grow instead of multiplying', async () => {
    const { batches, starts, submit } = recorder(undefined, 20);
    const calls: Promise<void>[] = [];
    const began = performance.now();
    for (let i = 0; i < 100; i++) {
      calls.push(submit(`10.0.0.${i}`, 'allow'));
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.all(calls);
    // At most one batch per window of arrivals, however slowly a loaded machine ran the loop.
    const windows = Math.ceil((performance.now() - began) / 17) + 1;
    expect(batches.length).toBeLessThanOrEqual(Math.min(windows, 99));
    // A 20 ms window; Node's timers may fire up to a couple of milliseconds early by performance.now().
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(17);
  });

  it('when nothing is being applied, then a lone change leaves on the next turn of the loop, without a window', async () => {
    const { batches, submit } = recorder(undefined, 'default');
    const done = submit('10.0.0.1', 'allow');
    await new Promise((r) => setImmediate(r));
    expect(batches).toEqual([[{ ip: '10.0.0.1', what: 'allow' }]]);
    await done;
  });

  it('when changes arrive while a batch is applied and there is no window, then they all go together in the next one', async () => {
    const { batches, submit } = recorder(undefined, 'default');
    const first = submit('10.0.0.1', 'allow');
    await new Promise((r) => setImmediate(r)); // the first batch is now running
    const later: Promise<void>[] = [];
    for (let i = 0; i < 10; i++) {
      later.push(submit(`10.0.1.${i}`, 'allow'));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all([first, ...later]);
    // On a loaded machine the first batch may end while the ten arrive: never more batches than changes, never a batch per change.
    expect(batches[0]).toHaveLength(1);
    expect(batches.flat()).toHaveLength(11);
    expect(batches.length).toBeLessThan(11);
  });

  it('when one client changes twice in a batch, then only the last change is applied', async () => {
    const { batches, submit } = recorder();
    await Promise.all([submit('10.0.0.1', 'allow'), submit('10.0.0.2', 'allow'), submit('10.0.0.1', 'revoke')]);
    expect(batches[0]).toEqual([{ ip: '10.0.0.2', what: 'allow' }, { ip: '10.0.0.1', what: 'revoke' }]);
  });

  it('when the kernel refuses a batch, then each change is retried alone and only the bad one fails', async () => {
    const { submit } = recorder((ops) => ops.some((o) => o.what === 'bad'));
    const results = await Promise.allSettled([submit('10.0.0.1', 'allow'), submit('10.0.0.2', 'bad'), submit('10.0.0.3', 'allow')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('when drained, then it resolves after every change asked for so far is applied', async () => {
    const { batches, batcher, submit } = recorder();
    void submit('10.0.0.1', 'allow');
    await batcher.drain();
    expect(batches).toHaveLength(1);
  });
});
