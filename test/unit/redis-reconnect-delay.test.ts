// The Redis clients' retry strategies never give up: a strategy that returns null ends the client for good.
import { CLUSTER_HA_OPTIONS, RECONNECT_MOST_MS, reconnectDelay } from '../../src/store/redis/connection';

describe('reconnectDelay', () => {
  test('when attempts go on without end, then each waits a growing, capped, finite time and none gives up', () => {
    let last = 0;
    for (const times of [1, 2, 3, 5, 10, 100, 1e6, Number.MAX_SAFE_INTEGER]) {
      const delay = reconnectDelay(times);
      expect(Number.isFinite(delay)).toBe(true);
      expect(delay).toBeGreaterThanOrEqual(last);
      expect(delay).toBeLessThanOrEqual(RECONNECT_MOST_MS);
      last = delay;
    }
    expect(reconnectDelay(Number.POSITIVE_INFINITY)).toBeGreaterThan(0);
    expect(reconnectDelay(Number.NaN)).toBeGreaterThan(0);
  });

  test('when the Cluster has lost every node, then its strategy is the same one', () => {
    expect(CLUSTER_HA_OPTIONS.clusterRetryStrategy).toBe(reconnectDelay);
  });
});
