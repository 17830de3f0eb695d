// The settings for published figures and gateway-local keys: read from the environment, and
// refused with a message that says what to do when they are too weak.
import { ConfigError, loadConfig } from '../../src/config/load';

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('published-figure and key settings', () => {
  it('when MIN_CELL_SESSIONS, METRICS_TOKEN and STAFF_LIMITER_KEY are set, then they are read', () => {
    const c = loadConfig({ MIN_CELL_SESSIONS: '10', METRICS_TOKEN: 'm'.repeat(32), STAFF_LIMITER_KEY: 's'.repeat(32) });
    expect(c).toMatchObject({ minCellSessions: 10, metricsToken: 'm'.repeat(32), staffLimiterKey: 's'.repeat(32) });
    const d = loadConfig({});
    expect([d.minCellSessions, d.metricsToken, d.staffLimiterKey]).toEqual([5, undefined, undefined]);
  });

  it('when they are too weak, then each is refused with what is expected', () => {
    const found = problems({ MIN_CELL_SESSIONS: '1', METRICS_TOKEN: 'short', STAFF_LIMITER_KEY: 'short' });
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/MIN_CELL_SESSIONS.*at least 2/),
        expect.stringMatching(/METRICS_TOKEN.*at least 32 characters/),
        expect.stringMatching(/STAFF_LIMITER_KEY.*at least 32 characters/),
      ]),
    );
  });
});
