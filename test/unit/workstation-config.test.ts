// The one configuration key workstations add: AGENT_OVER_HTTP, off unless asked for.
import { ConfigError, loadConfig } from '../../src/config/load';

describe('AGENT_OVER_HTTP', () => {
  it('when it is not set, then the agent API stays off plain HTTP', () => {
    expect(loadConfig({}).agentOverHttp).toBe(false);
  });

  it('when it is set to true or false, then that is what the configuration says', () => {
    expect(loadConfig({ AGENT_OVER_HTTP: 'true' }).agentOverHttp).toBe(true);
    expect(loadConfig({ AGENT_OVER_HTTP: 'false' }).agentOverHttp).toBe(false);
  });

  it('when it is set to something else, then start-up fails saying what is expected', () => {
    expect(() => loadConfig({ AGENT_OVER_HTTP: 'sometimes' })).toThrow(ConfigError);
    expect(() => loadConfig({ AGENT_OVER_HTTP: 'sometimes' })).toThrow('AGENT_OVER_HTTP (agentOverHttp): got "sometimes"; expected true or false');
  });
});
