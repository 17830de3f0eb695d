// The real thing: `threshold serve` over HTTPS with a test CA, `threshold workstation code` while
// it runs, `threshold agent enroll` and `threshold agent run` as their own processes, with hooks
// that write to a temp dir. A patron uses the kiosk; staff end the session; the server goes away
// and comes back; staff retire the workstation.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { createLogger } from '../../src/logger';
import { cryptoRandom } from '../../src/privacy/random';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store';
import { WorkstationService } from '../../src/workstations/workstation-service';
import { freePort } from '../helpers/ports';
import { ROOT, startServer, type ServerProcess } from '../helpers/server-process';
import { makeTestTls, type TestTls } from '../helpers/tls';

const CLI = path.join(ROOT, 'dist', 'cli.js');
jest.setTimeout(90_000);

/** A hook that records what it was told, and on session end empties the guest's profile. */
const HOOK_JS = `
const fs = require('fs'), path = require('path');
const [log, guest, name] = process.argv.slice(2);
const e = process.env;
// Wipe first, then write the line the test waits for, so the test never sees the line before the wipe.
if (name === 'onSessionEnd') for (const f of fs.readdirSync(guest)) fs.rmSync(path.join(guest, f), { recursive: true, force: true });
fs.appendFileSync(log, JSON.stringify({ hook: name, event: e.THRESHOLD_EVENT, reason: e.THRESHOLD_END_REASON, minutes: e.THRESHOLD_MINUTES_LEFT }) + '\\n');
`;

async function waitFor<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Takes the agent's TLS connections on `port` while the server is down, reads each request's
 * first line and hangs up without an answer (to the agent, the server is unreachable). Says
 * when each heartbeat was tried.
 */
async function hangUpOn(port: number, tls: TestTls): Promise<{ heartbeats: () => number[]; close: () => Promise<void> }> {
  const tried: number[] = [];
  const sockets = new Set<TLSSocket>();
  const server = createTlsServer({ cert: fs.readFileSync(tls.certFile), key: fs.readFileSync(tls.keyFile) }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.once('data', (d) => {
      if (d.toString('latin1').startsWith('POST /api/agent/v1/heartbeat ')) tried.push(Date.now());
      socket.destroy();
    });
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
  return {
    heartbeats: () => tried.slice(),
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/**
 * The kiosk zone closes ten minutes from now, in a time zone where now is around midday (so
 * midnight is never crossed): a session is cut to closing time, shorter than the ten-minute
 * warning, so the warning is due at once.
 */
function closingSoon(): { timezone: string; openingHours: Record<string, { open: string; close: string }[]> } {
  const now = new Date();
  const offset = ((12 - now.getUTCHours() + 36) % 24) - 12;
  const local = new Date(now.getTime() + offset * 3_600_000);
  const close = new Date(local.getTime() + 10 * 60_000).toISOString().slice(11, 16);
  const day = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][local.getUTCDay()]!;
  // Etc/GMT-3 is three hours ahead of UTC (the sign is POSIX's).
  const timezone = offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
  return { timezone, openingHours: { [day]: [{ open: '00:00', close }] } };
}

describe('the agent process against the server process', () => {
  let tls: TestTls;
  let dir: string;
  let server: ServerProcess;
  let serverEnv: Record<string, string>;
  let agent: ChildProcess | undefined;
  let agentOut = '';
  let store: SqliteStore;
  let service: WorkstationService;
  const hookLog = () => path.join(dir, 'hooks.log');
  const guest = () => path.join(dir, 'guest');
  const agentConfig = () => path.join(dir, 'etc', 'agent.json');
  const hookLines = (): { hook: string; event: string; reason?: string; minutes?: string }[] =>
    fs.existsSync(hookLog()) ? fs.readFileSync(hookLog(), 'utf8').trim().split('\n').map((l) => JSON.parse(l)) : [];
  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env: { ...process.env, ...serverEnv, LOG_LEVEL: 'warn' }, encoding: 'utf8' });

  beforeAll(async () => {
    tls = makeTestTls();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-agent-e2e-'));
    fs.mkdirSync(guest());
    fs.writeFileSync(path.join(dir, 'hook.js'), HOOK_JS);
    const configFile = path.join(dir, 'threshold.json');
    const soon = closingSoon();
    fs.writeFileSync(configFile, JSON.stringify({
      zones: [{ id: 'kiosks', name: 'Kiosk PCs', subnets: ['127.0.0.0/8'], policy: { warningMinutes: 10, openingHours: soon.openingHours } }],
    }));
    serverEnv = {
      THRESHOLD_CONFIG: configFile, HOST: '127.0.0.1', PORT: String(await freePort()), HTTPS_PORT: String(await freePort()),
      TLS_CERT: tls.certFile, TLS_KEY: tls.keyFile, DATA_DIR: path.join(dir, 'data'), LOG_LEVEL: 'info', TZ: soon.timezone,
    };
    server = await startServer(serverEnv);
    store = new SqliteStore({ file: path.join(serverEnv.DATA_DIR!, 'threshold.db') });
    await store.init();
    service = new WorkstationService({ store, clock: { now: () => Date.now() }, random: cryptoRandom, logger: createLogger('silent'), zones: [], version: '0.1.0' });
  });

  afterAll(async () => {
    agent?.kill('SIGKILL');
    await server?.stop();
    await store?.close();
    fs.rmSync(dir, { recursive: true, force: true });
    tls?.cleanup();
  });

  test('when a workstation is enrolled with a code made while the server runs, then its config is owner-only and holds the token', async () => {
    const made = cli('workstation', 'code', '--zone', 'kiosks', '--ttl', '15');
    expect(made.status).toBe(0);
    const code = /Enrolment code: (\S+)/.exec(made.stdout)?.[1];
    expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    const server_ = `https://127.0.0.1:${serverEnv.HTTPS_PORT}`;
    const noCa = cli('agent', 'enroll', '--server', server_, '--code', code!, '--name', 'kiosk-01', '--config', agentConfig());
    expect(noCa.status).toBe(1);
    expect(noCa.stderr).toContain('--ca FILE');
    const ok = cli('agent', 'enroll', '--server', server_, '--code', code!, '--name', 'kiosk-01', '--config', agentConfig(), '--ca', tls.caFile);
    expect(ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    expect(fs.statSync(agentConfig()).mode & 0o777).toBe(0o600);
    const config = JSON.parse(fs.readFileSync(agentConfig(), 'utf8'));
    expect(config).toMatchObject({ server: server_, name: 'kiosk-01', ca: tls.caFile, token: expect.stringMatching(/^[\w-]{43}$/) });

    // The library's admin adds the hooks and a fast schedule (every second, for the test).
    const hook = (name: string) => [process.execPath, path.join(dir, 'hook.js'), hookLog(), guest(), name];
    Object.assign(config, {
      heartbeatCron: '* * * * * *', sessionPollSeconds: 1, idlePollSeconds: 1,
      hooks: { onWarning: hook('onWarning'), onSessionEnd: hook('onSessionEnd'), lock: hook('lock') },
    });
    fs.writeFileSync(agentConfig(), JSON.stringify(config), { mode: 0o600 });
    const once = cli('agent', 'run', '--once', '--config', agentConfig());
    expect(once.stdout).toContain('Report delivered.');
    expect(once.status).toBe(0);
  });

  test('when the agent runs, then heartbeats arrive with only allowlisted health and the machine shows as free', async () => {
    agent = spawn(process.execPath, [CLI, 'agent', 'run', '--config', agentConfig()], { env: { ...process.env, LOG_LEVEL: 'debug' }, stdio: ['ignore', 'pipe', 'pipe'] });
    agent.stdout!.on('data', (d) => (agentOut += d));
    agent.stderr!.on('data', (d) => (agentOut += d));
    const history = await waitFor('three heartbeats', async () => {
      const h = await store.workstations.history('kiosk-01');
      return h.length >= 3 ? h : undefined;
    });
    expect(history[0]!.report).toMatchObject({ agentVersion: '0.1.0', networkUp: expect.any(Boolean), portalReachable: true, intervalSeconds: 1 });
    expect((await service.overview())[0]).toMatchObject({ state: 'free' });
  });

  test('when a patron uses the kiosk and staff end the session, then the end hook wipes the guest profile and reports it', async () => {
    fs.writeFileSync(path.join(guest(), 'Downloads-cv.pdf'), 'x');
    const portal = `http://127.0.0.1:${serverEnv.PORT}`;
    const splash = await fetch(`${portal}/`);
    const cookie = (splash.headers.get('set-cookie') ?? '').split(';')[0]!;
    const token = /name="_csrf" value="([^"]+)"/.exec(await splash.text())?.[1] ?? '';
    const accepted = await fetch(`${portal}/accept`, {
      method: 'POST', redirect: 'manual', headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token, accept: 'yes' }).toString(),
    });
    expect(accepted.status).toBe(303);
    await waitFor('the warning hook', () => hookLines().find((l) => l.hook === 'onWarning'));
    // The minutes left until closing: ten, or nine once a minute boundary has passed on a slow machine.
    expect(hookLines()[0]).toEqual({ hook: 'onWarning', event: 'warning', minutes: expect.stringMatching(/^(9|10)$/) });
    await waitFor('the fleet to show it in use', async () => ((await service.overview())[0]?.state === 'in-use' ? true : undefined));

    // Staff end it from the fleet page: the same call the page makes.
    await service.send({ name: 'kiosk-01' }, 'end-session');
    const end = await waitFor('the end hook', () => hookLines().find((l) => l.hook === 'onSessionEnd'));
    expect(end).toEqual({ hook: 'onSessionEnd', event: 'session-end', reason: 'staff' });
    expect(fs.readdirSync(guest())).toEqual([]);
    const [cmd] = await waitFor('the acknowledgement', async () => {
      const cmds = await store.workstations.listCommands('kiosk-01');
      return cmds[0]?.status === 'done' ? cmds : undefined;
    });
    expect(cmd).toMatchObject({ kind: 'end-session', status: 'done' });
    expect((await store.workstations.get('kiosk-01'))?.lastWipe).toMatchObject({ ok: true });
    expect(await store.listSessions()).toEqual([]);
    expect(hookLines().filter((l) => l.hook === 'onSessionEnd')).toHaveLength(1);
  });

  test('when the server is down for a while, then the agent keeps running and its queued reports arrive once it is back', async () => {
    const before = (await store.workstations.history('kiosk-01')).length;
    await server.stop();
    const downAt = Date.now();
    // While it is down, the port hangs up on every request, as a server going away does, and
    // notes each heartbeat tried: three after the first 500 ms are at least two reports queued
    // in that time (one a second), whatever the machine's speed.
    const down = await hangUpOn(Number(serverEnv.HTTPS_PORT), tls);
    await waitFor('three heartbeats tried while the server is down', () => (down.heartbeats().filter((at) => at > downAt + 500).length >= 3 ? true : undefined));
    await down.close();
    const upAt = Date.now();
    server = await startServer(serverEnv);
    const history = await waitFor('the queued reports', async () => {
      const h = await store.workstations.history('kiosk-01');
      return h.some((s) => s.report.at > upAt) ? h : undefined;
    });
    const whileDown = history.filter((s) => s.report.at > downAt + 500 && s.report.at < upAt);
    expect(whileDown.length).toBeGreaterThanOrEqual(2);
    expect(whileDown.every((s) => !s.report.portalReachable)).toBe(true);
    expect(history.length).toBeGreaterThan(before);
    expect(agent!.exitCode).toBeNull();
    expect(agentOut).toContain('server unreachable');
    // The server stores a report before it answers, so the agent's line can come a moment later.
    await waitFor('the agent to say the server is back', () => agentOut.includes('server reachable again') || undefined);
  });

  test('when staff retire the workstation, then the agent is refused, says so once, and keeps running', async () => {
    const retired = cli('workstation', 'retire', 'kiosk-01');
    expect(retired.stdout).toContain('retired');
    await waitFor('the refusal in the agent log', () => agentOut.includes('the server refused this workstation') || undefined);
    await new Promise((r) => setTimeout(r, 2500));
    expect(agentOut.split('the server refused this workstation').length - 1).toBe(1);
    expect(agent!.exitCode).toBeNull();
    expect(await store.workstations.history('kiosk-01')).toEqual([]);
    const token = JSON.parse(fs.readFileSync(agentConfig(), 'utf8')).token as string;
    expect(agentOut).not.toContain(token);
    expect(server.output()).not.toContain(token);
  });
});
