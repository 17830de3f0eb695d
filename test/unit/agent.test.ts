// The agent with everything around it faked: what it sends (only the allowlist), how it waits
// out a server that is down, how it runs staff commands and follows a kiosk session.
import { Writable } from 'node:stream';
import { Agent, type Scheduler } from '../../src/agent/agent';
import type { SystemInfoSource } from '../../src/agent/metrics';
import { agentConfigSchema, type AgentConfig } from '../../src/agent/config';
import { ManualClock } from '../../src/domain/clock';
import { createLogger } from '../../src/logger';
import { healthReportSchema } from '../../src/workstations/protocol';
import { FakeAgentServer, FakeHooks, MACHINE_SECRETS, nosySystemInfo } from '../helpers/fake-agent-server';

const T0 = Date.UTC(2026, 10, 18, 10);
const HOOKS = { onWarning: ['warn'], onSessionEnd: ['wipe'], lock: ['lock'], message: ['say'], restart: ['reboot'] };

function setup(over: Partial<AgentConfig> = {}, opts: { scheduler?: Scheduler; si?: Partial<SystemInfoSource> } = {}) {
  const server = new FakeAgentServer();
  const hooks = new FakeHooks();
  const clock = new ManualClock(T0);
  const si = nosySystemInfo(opts.si);
  const logs: string[] = [];
  const logger = createLogger('debug', new Writable({ write: (c, _e, cb) => (logs.push(String(c)), cb()) }));
  const config = agentConfigSchema.parse({ server: 'https://portal.example', name: 'kiosk-01', token: 't'.repeat(43), hooks: HOOKS, ...over });
  const agent = new Agent({ config, http: server, si, hooks, clock, logger, version: '0.1.0', ...(opts.scheduler && { scheduler: opts.scheduler }) });
  return { server, hooks, clock, si, logs, agent };
}

describe('agent', () => {
  describe('what it reports', () => {
    it('when it reports, then the body holds exactly the allowlisted fields and nothing the machine knows about its users or names', async () => {
      const { server, si, agent } = setup();
      expect(await agent.heartbeat()).toBe(true);
      const [req] = server.requests.filter((r) => r.path.endsWith('/heartbeat'));
      expect(req?.token).toBe('t'.repeat(43));
      const body = req!.body as { reports: Record<string, unknown>[] };
      expect(Object.keys(body)).toEqual(['reports']);
      const [report] = body.reports;
      expect(Object.keys(report!).sort()).toEqual(Object.keys(healthReportSchema.shape).sort());
      expect(Object.keys(report!.os as object).sort()).toEqual(['distro', 'family', 'release']);
      expect(report).toMatchObject({
        os: { family: 'linux', distro: 'Debian GNU/Linux', release: '12' },
        cpuLoadPercent: 37.3,
        memory: { usedBytes: 3_000_000_000, totalBytes: 8_000_000_000 },
        systemDisk: { freeBytes: 100e9, totalBytes: 256e9 },
        uptimeSeconds: 7200,
        networkUp: true,
        portalReachable: true,
      });
      const wire = JSON.stringify(server.requests);
      for (const secret of MACHINE_SECRETS) expect(wire).not.toContain(secret);
      expect(si.forbiddenCalls).toEqual([]);
    });

    it('when a metric cannot be read, then it is null and the report still goes', async () => {
      const fsSize = async () => Promise.reject(new Error('EIO'));
      const { server, agent } = setup({}, { si: { fsSize, currentLoad: async () => ({ currentLoad: NaN }) } });
      expect(await agent.heartbeat()).toBe(true);
      expect(server.reports[0]).toMatchObject({ systemDisk: null, cpuLoadPercent: null, networkUp: true });
    });
  });

  describe('while the server is down', () => {
    it('when heartbeats fail, then nothing throws, the queue keeps only the newest reports, and they all go when the server is back', async () => {
      const { server, clock, agent, logs } = setup({ queueLimit: 5 });
      server.down = true;
      for (let i = 0; i < 8; i++) {
        await expect(agent.heartbeat()).resolves.toBe(false);
        await expect(agent.pollSession()).resolves.toBeUndefined();
        clock.advance(60_000);
      }
      expect(agent.queue.size).toBe(5);
      expect(agent.queue.dropped).toBe(3);
      expect(logs.filter((l) => l.includes('server unreachable'))).toHaveLength(1);

      server.down = false;
      expect(await agent.heartbeat()).toBe(true);
      expect(agent.queue.size).toBe(0);
      expect(server.reports.map((r) => r.at)).toEqual([4, 5, 6, 7, 8].map((i) => T0 + i * 60_000));
      expect(server.reports.map((r) => r.portalReachable)).toEqual([false, false, false, false, true]);
      // Measured before it joined the queue (which then dropped one more).
      expect(server.reports.at(-1)?.droppedReports).toBe(3);
      expect(agent.queue.dropped).toBe(4);
    });

    it('when many reports are queued, then they go in batches of at most 20, oldest first', async () => {
      const { server, clock, agent } = setup({ queueLimit: 100 });
      server.down = true;
      for (let i = 0; i < 44; i++) {
        await agent.heartbeat();
        clock.advance(1000);
      }
      server.down = false;
      await agent.heartbeat();
      const batches = server.requests.filter((r) => r.path.endsWith('/heartbeat')).map((r) => (r.body as { reports: unknown[] }).reports.length);
      expect(batches).toEqual([20, 20, 5]);
      expect(server.reports.map((r) => r.at)).toEqual([...server.reports.map((r) => r.at)].sort((a, b) => a - b));
    });

    it('when the server is busy the reports wait; when it refuses them as malformed, they are dropped and logged', async () => {
      const { server, agent, logs } = setup();
      server.failWith.set('/heartbeat', 503);
      expect(await agent.heartbeat()).toBe(false);
      expect(agent.queue.size).toBe(1);
      server.failWith.set('/heartbeat', 400);
      expect(await agent.heartbeat()).toBe(true);
      expect(agent.queue.size).toBe(0);
      expect(logs.some((l) => l.includes('the server refused reports'))).toBe(true);
    });
  });

  describe('staff commands', () => {
    it('when a command arrives, then its hook runs once and it is acknowledged, again if it comes back', async () => {
      const { server, hooks, agent } = setup();
      server.commands = [{ id: 'c1', kind: 'lock' }];
      server.failWith.set('/commands', 503); // the first acknowledgement is lost
      await agent.heartbeat();
      server.failWith.delete('/commands');
      await agent.pollSession();
      expect(hooks.named('lock')).toEqual([{ program: 'lock', env: { THRESHOLD_EVENT: 'lock' } }]);
      expect(server.acks).toEqual([{ id: 'c1', outcome: { ok: true } }]);
      expect(server.commands).toEqual([]);
    });

    it('when a command has no hook here or its hook fails, then it is acknowledged as failed with the reason', async () => {
      const { server, hooks, agent } = setup();
      hooks.outcome = () => ({ ok: false, reason: 'exit-code', exitCode: 2 });
      server.commands = [{ id: 'c1', kind: 'shutdown' }, { id: 'c2', kind: 'message', message: 'Closing at 8 pm' }];
      await agent.heartbeat();
      expect(server.acks).toEqual([
        { id: 'c1', outcome: { ok: false, reason: 'no-hook' } },
        { id: 'c2', outcome: { ok: false, reason: 'exit-code', exitCode: 2 } },
      ]);
      expect(hooks.named('say')[0]?.env).toEqual({ THRESHOLD_EVENT: 'message', THRESHOLD_MESSAGE: 'Closing at 8 pm' });
    });

    it('when staff end the session, then the end hook runs once with reason staff, the wipe is reported and the command acknowledged', async () => {
      const { server, hooks, agent } = setup();
      server.session = { live: true, startedAt: T0, secondsLeft: 1800, warningMinutes: 5 };
      await agent.pollSession();
      server.commands = [{ id: 'c1', kind: 'end-session' }];
      server.session = { live: false, ended: { reason: 'staff' } };
      await agent.pollSession();
      await agent.pollSession();
      expect(hooks.named('wipe')).toEqual([{ program: 'wipe', env: { THRESHOLD_EVENT: 'session-end', THRESHOLD_END_REASON: 'staff' } }]);
      expect(server.wipes).toEqual([{ ok: true }]);
      expect(server.acks).toEqual([{ id: 'c1', outcome: { ok: true } }]);
    });
  });

  describe('kiosk sessions', () => {
    it('when a session runs, then warnings go to onWarning and its end by logout to onSessionEnd, then the wipe is reported', async () => {
      const { server, hooks, clock, agent } = setup();
      server.session = { live: true, startedAt: T0, secondsLeft: 6 * 60, warningMinutes: 5 };
      await agent.pollSession();
      expect(agent.sessionLive).toBe(true);
      clock.advance(60_000);
      server.session = { ...server.session, secondsLeft: 5 * 60 };
      await agent.pollSession();
      expect(hooks.named('warn')).toEqual([{ program: 'warn', env: { THRESHOLD_EVENT: 'warning', THRESHOLD_MINUTES_LEFT: '5' } }]);
      server.session = { live: false, ended: { reason: 'logout' } };
      await agent.pollSession();
      expect(hooks.named('wipe')[0]?.env.THRESHOLD_END_REASON).toBe('logout');
      expect(server.wipes).toEqual([{ ok: true }]);
    });

    it('when the server is unreachable at the end, then the end hook still runs by time and the failed wipe is reported later', async () => {
      const { server, hooks, clock, agent } = setup();
      hooks.outcome = (p) => (p === 'wipe' ? { ok: false, reason: 'exit-code', exitCode: 3 } : { ok: true });
      server.session = { live: true, startedAt: T0, secondsLeft: 60, warningMinutes: 0 };
      await agent.pollSession();
      server.down = true;
      clock.advance(75_000);
      await agent.pollSession();
      expect(hooks.named('wipe')[0]?.env.THRESHOLD_END_REASON).toBe('time');
      expect(server.wipes).toEqual([]);
      server.down = false;
      await agent.heartbeat();
      expect(server.wipes).toEqual([{ ok: false, reason: 'exit-code', exitCode: 3 }]);
    });
  });

  describe('schedule', () => {
    it('when started, then heartbeats follow the cron expression and each report says when the next is due', async () => {
      const jobs: { expression: string; stopped: boolean }[] = [];
      const scheduler: Scheduler = (expression) => {
        const job = { expression, stopped: false };
        jobs.push(job);
        return { stop: () => void (job.stopped = true), nextRunAt: () => T0 + 120_000 };
      };
      const { server, agent } = setup({ heartbeatCron: '*/2 * * * *' }, { scheduler });
      agent.start();
      await new Promise((r) => setTimeout(r, 50));
      await agent.stop();
      expect(jobs).toEqual([{ expression: '*/2 * * * *', stopped: true }]);
      expect(server.reports[0]?.intervalSeconds).toBe(120);
      expect(server.requests.some((r) => r.path.endsWith('/session'))).toBe(true);
    });
  });
});
