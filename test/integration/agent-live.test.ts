// The Agent class against the real app on a real socket: staff end a kiosk session through the
// session service (as the staff console's sessions page does), and the agent's end hook runs.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { Agent } from '../../src/agent/agent';
import { agentConfigSchema } from '../../src/agent/config';
import { nodeHttp } from '../../src/agent/transport';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/logger';
import { FakeHooks, nosySystemInfo } from '../helpers/fake-agent-server';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';

describe('agent against the live app', () => {
  let ctx: TestContext;
  let server: http.Server;
  let agent: Agent;
  let hooks: FakeHooks;

  beforeEach(async () => {
    ctx = await makeTestApp({ config: { zones: [{ id: 'kiosks', name: 'Kiosks', subnets: ['127.0.0.0/8'], policy: { warningMinutes: 2 } }] } });
    const app = createApp(ctx.deps, { surfaces: ['portal', 'agent'] });
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { code } = await ctx.deps.workstations.createCode({ zoneId: 'kiosks' });
    const enrolled = await fetch(`${url}/api/agent/v1/enrol`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code, name: 'kiosk-01' }) });
    const { token } = (await enrolled.json()) as { token: string };
    const config = agentConfigSchema.parse({ server: url, allowHttp: true, name: 'kiosk-01', token, hooks: { onSessionEnd: ['wipe'], onWarning: ['warn'] } });
    hooks = new FakeHooks();
    const logger = createLogger('silent', new Writable({ write: (_c, _e, cb) => cb() }));
    agent = new Agent({ config, http: nodeHttp({ server: url, allowHttp: true }), si: nosySystemInfo(), hooks, clock: ctx.clock, logger, version: '0.1.0' });
    // The patron at this kiosk (the agent's requests come from 127.0.0.1 too).
    expect((await new Patron(app, '127.0.0.1').accept()).status).toBe(303);
  });

  afterEach(async () => {
    await agent.stop();
    await new Promise((r) => server.close(r));
    await ctx.close();
  });

  it('when staff end the kiosk session in the session service, then the agent runs its end hook with reason staff and the wipe is recorded', async () => {
    await agent.pollSession();
    expect(agent.sessionLive).toBe(true);
    const session = ctx.deps.sessions.lookup('127.0.0.1')!;
    await ctx.deps.sessions.end(session.record.id, 'staff');
    await agent.pollSession();
    expect(agent.sessionLive).toBe(false);
    expect(hooks.named('wipe')).toEqual([{ program: 'wipe', env: { THRESHOLD_EVENT: 'session-end', THRESHOLD_END_REASON: 'staff' } }]);
    expect((await ctx.deps.store.workstations.get('kiosk-01'))?.lastWipe).toEqual({ ok: true, at: ctx.clock.now() });
  });

  it('when the session runs into its warning time, then the agent warns with the minutes left', async () => {
    await agent.pollSession();
    ctx.clock.advance(58 * 60_000);
    await agent.pollSession();
    expect(hooks.named('warn')).toEqual([{ program: 'warn', env: { THRESHOLD_EVENT: 'warning', THRESHOLD_MINUTES_LEFT: '2' } }]);
  });
});
