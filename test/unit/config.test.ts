// Configuration: defaults work, bad values fail at once with every problem listed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/load';

describe('loadConfig', () => {
  it('when nothing is set, then the defaults serve one wifi zone on port 8080 with SQLite', () => {
    const c = loadConfig({});
    expect(c.port).toBe(8080);
    expect(c.dataDir).toBe('./data');
    expect(c.redisUrl).toBeUndefined();
    expect(c.firewall).toBe('noop');
    expect(c.zones.map((z) => z.id)).toEqual(['wifi']);
    expect(Object.isFrozen(c.zones[0]!.policy)).toBe(true);
  });

  it('when environment variables are set, then they override the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, JSON.stringify({ port: 9000, libraryName: 'Riverside Library' }));
    const c = loadConfig({ THRESHOLD_CONFIG: file, PORT: '9100', TZ: 'Europe/Paris' });
    expect(c.port).toBe(9100);
    expect(c.libraryName).toBe('Riverside Library');
    expect(c.timezone).toBe('Europe/Paris');
  });

  it('when several values are bad, then every one is listed with its key, value and what was expected', () => {
    let err: unknown;
    try {
      loadConfig({ PORT: 'eighty', FIREWALL: 'iptables', TZ: 'Mars/Olympus', REDIS_URL: 'http://x' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const msg = (err as ConfigError).message;
    expect((err as ConfigError).problems).toHaveLength(4);
    expect(msg).toContain('PORT (port): got "eighty"');
    expect(msg).toContain('FIREWALL (firewall): got "iptables"');
    expect(msg).toContain('TZ (timezone): got "Mars/Olympus"; expected an IANA time zone');
    expect(msg).toContain('REDIS_URL (redisUrl)');
  });

  it('when STORE_COMMAND_TIMEOUT_MS is set, then the Redis store command timeout is that many milliseconds; unset, 5000', () => {
    expect(loadConfig({}).storeCommandTimeoutMs).toBe(5000);
    expect(loadConfig({ STORE_COMMAND_TIMEOUT_MS: '2500' }).storeCommandTimeoutMs).toBe(2500);
  });

  it.each([
    ['999', 'got 999; expected at least 1000 ms'],
    ['60001', 'got 60001; expected at most 60000 ms'],
    ['5s', 'got "5s"; expected a whole number of milliseconds from 1000 to 60000'],
    ['1500.5', 'got "1500.5"; expected a whole number of milliseconds from 1000 to 60000'],
  ])('when STORE_COMMAND_TIMEOUT_MS is %s, then loading fails saying what it must be', (value, said) => {
    expect(() => loadConfig({ STORE_COMMAND_TIMEOUT_MS: value })).toThrow(`STORE_COMMAND_TIMEOUT_MS (storeCommandTimeoutMs): ${said}`);
  });

  it('when storeCommandTimeoutMs in the file is not a whole number, then the file key says so', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, JSON.stringify({ storeCommandTimeoutMs: 2000.5 }));
    expect(() => loadConfig({}, file)).toThrow(`storeCommandTimeoutMs in ${file}: got 2000.5; expected a whole number of milliseconds`);
  });

  it('when a zone policy in the file is one the console would refuse, then it fails with the console\'s reasons', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, JSON.stringify({ zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.0.0.0/8'], policy: { sessionMinutes: 60, dailyMinutes: 30, warningMinutes: 60 } }] }));
    expect(() => loadConfig({}, file)).toThrow(/zones\.0\.policy\.dailyMinutes.*at least one session long/);
    expect(() => loadConfig({}, file)).toThrow(/zones\.0\.policy\.warningMinutes.*fewer minutes than the session length/);
  });

  it('when HTTPS is half configured, then it says all three settings are needed', () => {
    expect(() => loadConfig({ HTTPS_PORT: '8443' })).toThrow(/HTTPS_PORT, TLS_CERT and TLS_KEY/);
  });

  it('when a zone has a bad subnet and an unknown key, then both are reported with their path', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, JSON.stringify({ zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.0.0.0/33'], policy: { sessionMinutes: 0, colour: 'red' } }] }));
    const err = (() => {
      try {
        loadConfig({}, file);
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err.message).toContain('zones.0.subnets.0');
    expect(err.message).toContain('zones.0.policy.sessionMinutes');
    expect(err.message).toContain('colour');
  });

  it('when the file is not JSON, then the file name and parser message are given', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, '{ port: 80 ');
    expect(() => loadConfig({}, file)).toThrow(file);
  });
});

describe('config errors and secrets', () => {
  it('when a Redis URL with a password is bad, then the error shows the URL without the password', () => {
    const err = catchConfigError(() => loadConfig({ REDIS_URL: 'redix://:hunter2@cache' }));
    expect(err.message).toContain('REDIS_URL (redisUrl): got "redix://:***@cache"');
    expect(err.message).not.toContain('hunter2');
    const withUser = catchConfigError(() => loadConfig({ REDIS_URL: 'redix://threshold:hunter2@cache:6379/0' }));
    expect(withUser.message).toContain('redix://threshold:***@cache:6379/0');
    expect(withUser.problems.join('\n')).not.toContain('hunter2');
  });

  it('when a key that looks secret is wrong or unknown, then its value is not shown', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, JSON.stringify({ adminPassword: 'hunter2', zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.0.0.0/8'], apiToken: 'tok-hunter2' }] }));
    const err = catchConfigError(() => loadConfig({}, file));
    expect(err.message).toContain('adminPassword');
    expect(err.message).toContain('apiToken');
    expect(err.message).not.toContain('hunter2');
  });

  it('when the file is not JSON and quotes a URL with a password, then the password is masked', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cfg-'));
    const file = path.join(dir, 'c.json');
    fs.writeFileSync(file, '{ "redisUrl": "redis://:hunter2@cache" oops }');
    const err = catchConfigError(() => loadConfig({}, file));
    expect(err.message).toContain(file);
    expect(err.message).not.toContain('hunter2');
  });
});

function catchConfigError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}
