// Staff console settings: safe defaults, environment variables, and clear errors.
import { ConfigError, loadConfig } from '../../src/config/load';

describe('staff console configuration', () => {
  it('when nothing is set, then the console listens on loopback port 8081 with a 30-minute idle timeout', () => {
    const c = loadConfig({});
    expect(c.staffHost).toBe('127.0.0.1');
    expect(c.staffPort).toBe(8081);
    expect(c.staffSessionIdleMinutes).toBe(30);
    expect(c.auditRetentionDays).toBe(365);
    expect(c.zones[0]!.kind).toBe('wifi');
  });

  it('when STAFF_PORT, STAFF_HOST and STAFF_SESSION_IDLE_MINUTES are set, then they are used', () => {
    const c = loadConfig({ STAFF_PORT: '9443', STAFF_HOST: '10.0.99.1', STAFF_SESSION_IDLE_MINUTES: '10' });
    expect([c.staffPort, c.staffHost, c.staffSessionIdleMinutes]).toEqual([9443, '10.0.99.1', 10]);
  });

  it('when the staff port is the portal\'s or a value is not a number, then the problem names its variable', () => {
    const problems = (env: Record<string, string>): string => {
      try {
        loadConfig(env);
      } catch (e) {
        if (e instanceof ConfigError) return e.message;
        throw e;
      }
      return '';
    };
    expect(problems({ PORT: '8080', STAFF_PORT: '8080' })).toContain('STAFF_PORT (staffPort): got 8080; expected the staff console on a port of its own');
    expect(problems({ STAFF_SESSION_IDLE_MINUTES: 'soon' })).toContain('STAFF_SESSION_IDLE_MINUTES (staffSessionIdleMinutes): got "soon"');
  });
});
