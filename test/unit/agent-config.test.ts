// The agent's configuration: a sensible place per OS, owner-only on disk, checked when read.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { agentConfigSchema, defaultConfigPath, readAgentConfig, writeAgentConfig } from '../../src/agent/config';

const TOKEN = 'a'.repeat(43);

describe('agent configuration', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'agent-cfg-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('when no path is given, then Linux as root uses /etc, Windows %ProgramData%, anyone else their config directory', () => {
    expect(defaultConfigPath('linux', {}, 0, '/root')).toBe('/etc/threshold-agent/agent.json');
    expect(defaultConfigPath('win32', { ProgramData: 'D:\\ProgramData' }, undefined, 'C:\\Users\\x')).toBe('D:\\ProgramData\\Threshold\\agent.json');
    expect(defaultConfigPath('win32', {}, undefined, 'C:\\Users\\x')).toBe('C:\\ProgramData\\Threshold\\agent.json');
    expect(defaultConfigPath('linux', {}, 1000, '/home/lib')).toBe('/home/lib/.config/threshold-agent/agent.json');
    expect(defaultConfigPath('darwin', { XDG_CONFIG_HOME: '/cfg' }, 501, '/Users/lib')).toBe('/cfg/threshold-agent/agent.json');
  });

  it('when the configuration is written, then the file is 0600 in a new 0700 directory and reads back the same', () => {
    const file = path.join(dir, 'nested', 'agent.json');
    const config = agentConfigSchema.parse({ server: 'https://portal.example', name: 'kiosk-01', token: TOKEN });
    writeAgentConfig(file, config);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(readAgentConfig(file)).toEqual(config);
    expect(config).toMatchObject({ heartbeatCron: '* * * * *', sessionPollSeconds: 5, queueLimit: 120, hooks: {} });
  });

  it('when others can read the file, then the agent refuses it and says how to fix it', () => {
    const file = path.join(dir, 'agent.json');
    writeAgentConfig(file, agentConfigSchema.parse({ server: 'https://portal.example', name: 'kiosk-01', token: TOKEN }));
    fs.chmodSync(file, 0o644);
    expect(() => readAgentConfig(file)).toThrow(`Run: chmod 600 ${file}`);
  });

  it.each([['linux'], ['windows']])('when the %s example in deploy/ is used, then it is a valid configuration with every hook', (os_) => {
    const file = path.join(__dirname, '..', '..', 'deploy', 'agent', os_, 'agent.example.json');
    const config = agentConfigSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    expect(Object.keys(config.hooks).sort()).toEqual(['inService', 'lock', 'message', 'onHold', 'onSessionEnd', 'onWarning', 'outOfOrder', 'restart', 'shutdown']);
  });

  it('when the configuration is wrong, then every problem is listed', () => {
    const file = path.join(dir, 'agent.json');
    fs.writeFileSync(file, JSON.stringify({ server: 'http://portal.example', name: 'Kiosk 1', token: TOKEN, heartbeatCron: 'often', hooks: { onLogin: ['x'] } }), { mode: 0o600 });
    let message = '';
    try {
      readAgentConfig(file);
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('name: expected lower-case letters');
    expect(message).toContain('heartbeatCron: expected a cron expression');
    expect(message).toContain('hooks');
    expect(message).toContain('server: expected an https:// URL');
    expect(() => readAgentConfig(path.join(dir, 'missing.json'))).toThrow(/Enrol first/);
  });
});
