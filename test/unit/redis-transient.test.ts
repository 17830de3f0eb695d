// Which Cluster answers the Redis store sends again (a slot on the move), and for how long.
import { isTransient, retryTransient } from '../../src/store/redis/transient';

function failing(times: number, message: string): { fn: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    fn: async () => {
      calls++;
      if (calls <= times) throw new Error(message);
      return 'done';
    },
    calls: () => calls,
  };
}

test('when a command is refused while its slot moves, then the answer counts as transient; other errors do not', () => {
  for (const m of ['TRYAGAIN Multiple keys request during rehashing of slot', 'ASK 3999 127.0.0.1:7001', 'MOVED 3999 127.0.0.1:7001', 'CLUSTERDOWN The cluster is down', 'Too many Cluster redirections. Last error: TRYAGAIN']) {
    expect(isTransient(new Error(m))).toBe(true);
  }
  for (const m of ['WRONGTYPE Operation against a key holding the wrong kind of value', 'NOSCRIPT No matching script', 'Connection is closed.']) {
    expect(isTransient(new Error(m))).toBe(false);
  }
});

test('when a command is refused with TRYAGAIN a few times, then it is sent again until it runs', async () => {
  const f = failing(3, 'TRYAGAIN Multiple keys request during rehashing of slot');
  await expect(retryTransient(f.fn, 5000)).resolves.toBe('done');
  expect(f.calls()).toBe(4);
});

test('when a command fails otherwise, then it is not sent again', async () => {
  const f = failing(1, 'WRONGTYPE Operation against a key holding the wrong kind of value');
  await expect(retryTransient(f.fn, 5000)).rejects.toThrow(/WRONGTYPE/);
  expect(f.calls()).toBe(1);
});

test('when the slot keeps moving past the budget, then the last refusal is thrown', async () => {
  const f = failing(Infinity, 'TRYAGAIN Multiple keys request during rehashing of slot');
  await expect(retryTransient(f.fn, 200)).rejects.toThrow(/TRYAGAIN/);
  expect(f.calls()).toBeGreaterThan(1);
});
