// The outage breaker: a bounded wait, then fail fast, then try again; listeners told when the store is back.
import type { DomainError } from '../../src/domain/errors';
import { fromDomainError } from '../../src/http/errors';
import { StoreBreaker, isStoreAway } from '../../src/sessions/store-breaker';

describe('StoreBreaker', () => {
  test('when a call never answers, then it rejects with the "one moment" error, and the next call fails at once without calling the store', async () => {
    let t = 0;
    const b = new StoreBreaker({ timeoutMs: 20, retryMs: 1000, now: () => t });
    const err = await b.run(() => new Promise(() => undefined)).catch((e: unknown) => e);
    expect(isStoreAway(err)).toBe(true);
    expect(b.away).toBe(true);
    const fn = jest.fn(async () => 1);
    // As HTTP: 503 with when to try again.
    expect(fromDomainError((await b.run(fn).catch((e: unknown) => e)) as DomainError)).toMatchObject({ status: 503, code: 'store_unavailable', headers: { 'Retry-After': '5' } });
    expect(fn).not.toHaveBeenCalled();
    t = 1001;
    expect(b.away).toBe(false);
  });

  test('when the store answers again after being away, then the listeners are told once', async () => {
    let t = 0;
    const b = new StoreBreaker({ retryMs: 10, now: () => t });
    const back = jest.fn();
    b.onBack(back);
    await b.run(async () => 1);
    expect(back).not.toHaveBeenCalled();
    await b.run(() => Promise.reject(new Error('ECONNREFUSED'))).catch(() => undefined);
    expect(b.behind).toBe(true);
    t = 11;
    await expect(b.run(async () => 2)).resolves.toBe(2);
    await b.run(async () => 3);
    expect(back).toHaveBeenCalledTimes(1);
    expect(b.behind).toBe(false);
  });

  test('when a call is given up on, then it is abandoned (the store sends nothing of it later), and a call that answers is not', async () => {
    const b = new StoreBreaker({ timeoutMs: 20, retryMs: 0 });
    const abandoned: string[] = [];
    b.abandonWith(<T>(fn: () => Promise<T>) => ({ result: fn(), abandon: () => void abandoned.push('call') }));
    await expect(b.run(async () => 'ok')).resolves.toBe('ok');
    expect(abandoned).toEqual([]);
    await expect(b.run(() => new Promise(() => undefined))).rejects.toMatchObject({ code: 'store_unavailable' });
    expect(abandoned).toHaveLength(1);
  });
});
