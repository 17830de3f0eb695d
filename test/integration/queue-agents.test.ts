// The kiosk queue with three real agent processes (`threshold agent run`, each sending from its own
// loopback address) against the app on a real socket, its clock injected: sessions extended while
// no one waits, five tickets, the extension stopping and the end warning given, sessions ending,
// holds shown by each PC's onHold hook, claims, an unclaimed hold passing on, and a booking held
// at its time before tickets taken earlier.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../../src/app';
import { ensureBuilt, ROOT } from '../helpers/server-process';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';

jest.setTimeout(120_000);
const CLI = path.join(ROOT, 'dist', 'cli.js');
const MIN = 60_000;
const PCS = ['pc-1', 'pc-2', 'pc-3'] as const;
const IP: Record<string, string> = { 'pc-1': '127.0.0.11', 'pc-2': '127.0.0.12', 'pc-3': '127.0.0.13' };

/** Each hook run as one JSON line: which PC, which hook, and what it was told. */
const HOOK_JS = `
const fs = require('fs');
const [log, pc, hook] = process.argv.slice(2);
const e = process.env;
fs.appendFileSync(log, JSON.stringify({ pc, hook, event: e.THRESHOLD_EVENT, ticket: e.THRESHOLD_TICKET, minutes: e.THRESHOLD_MINUTES_LEFT }) + '\\n');
`;

interface HookLine { pc: string; hook: string; event: string; ticket?: string; minutes?: string }

async function waitFor<T>(what: string, fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('the kiosk queue with three agent processes', () => {
  let ctx: TestContext;
  let server: http.Server;
  let dir: string;
  const agents: ChildProcess[] = [];
  const log = () => path.join(dir, 'hooks.log');
  const lines = (): HookLine[] => (fs.existsSync(log()) ? fs.readFileSync(log(), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as HookLine) : []);
  const holdsShown = () => lines().filter((l) => l.hook === 'onHold' && l.event === 'hold');
  let app: ReturnType<typeof createApp>;
  /** A patron's phone on the library Wi-Fi. */
  let phone: Patron;

  beforeAll(async () => {
    ensureBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-queue-agents-'));
    fs.writeFileSync(path.join(dir, 'hook.js'), HOOK_JS);
    ctx = await makeTestApp({
      config: {
        zones: [
          { id: 'kiosks', name: 'Basement PCs', kind: 'kiosk', subnets: ['127.0.0.0/8'], policy: { sessionMinutes: 30, warningMinutes: 5, holdMinutes: 5, autoExtend: true, dailyMinutes: 240 } },
          { id: 'wifi', name: 'Wi-Fi', subnets: ['10.0.0.0/8'] },
        ],
      },
    });
    app = createApp(ctx.deps, { surfaces: ['portal', 'agent'] });
    phone = new Patron(app, '10.1.0.7');
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (const pc of PCS) {
      const { code } = await ctx.deps.workstations.createCode({ zoneId: 'kiosks' });
      const res = await fetch(`${url}/api/agent/v1/enrol`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code, name: pc }) });
      const { token } = (await res.json()) as { token: string };
      const hook = (name: string) => [process.execPath, path.join(dir, 'hook.js'), log(), pc, name];
      const config = {
        server: url, allowHttp: true, localAddress: IP[pc], name: pc, token, heartbeatCron: '* * * * * *', sessionPollSeconds: 1, idlePollSeconds: 1,
        hooks: { onWarning: hook('onWarning'), onSessionEnd: hook('onSessionEnd'), onHold: hook('onHold') },
      };
      const file = path.join(dir, `${pc}.json`);
      fs.writeFileSync(file, JSON.stringify(config), { mode: 0o600 });
      agents.push(spawn(process.execPath, [CLI, 'agent', 'run', '--config', file], { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: 'ignore' }));
    }
  });

  afterAll(async () => {
    await Promise.all(agents.map((a) => new Promise((r) => (a.exitCode !== null ? r(null) : (a.once('exit', r), a.kill('SIGTERM'))))));
    await new Promise((r) => server?.close(r));
    await ctx?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The patron at a PC (the portal knows the PC by the address its agent sends from). */
  const at = (pc: string) => new Patron(app, IP[pc]!);
  const session = (pc: string) => ctx.deps.sessions.lookup(IP[pc]!);
  const inUse = async (pc: string) => (await ctx.deps.store.workstations.get(pc))?.inUse;
  const heldPcOf = (ticket: string) => holdsShown().find((l) => l.ticket === ticket)?.pc;
  const keys: Record<string, string> = {};

  async function takeTicket(): Promise<string> {
    const res = await phone.submit('/queue/kiosks', '/queue/kiosks/take');
    expect(res.status).toBe(303);
    const m = /\/queue\/kiosks\/t\/([\w-]{22})$/.exec(String(res.headers.location));
    const page = await phone.get(`/queue/kiosks/t/${m![1]}`);
    const label = /Your ticket: (B-\d+)/.exec(page.text)![1]!;
    keys[label] = m![1]!;
    return label;
  }

  const codeOf = async (label: string) => /class="code">([^<]+)</.exec((await phone.get(`/queue/kiosks/t/${keys[label]}`)).text)![1]!.replace(' ', '');

  test('when the PCs run sessions and no one waits, then the sessions are extended before their warning', async () => {
    await waitFor('three agents polling', async () => (await Promise.all(PCS.map((pc) => ctx.deps.store.workstations.get(pc)))).every((w) => w?.lastSeenAt !== undefined) || undefined);
    for (const pc of PCS) expect((await at(pc).accept()).status).toBe(303);
    await waitFor('all three in use', async () => (await Promise.all(PCS.map(inUse))).every(Boolean) || undefined);
    const started = ctx.clock.now();
    ctx.clock.advance(26 * MIN);
    await waitFor('the extensions', () => PCS.every((pc) => session(pc)!.record.endsAt === ctx.clock.now() + 30 * MIN || session(pc)!.record.endsAt > started + 30 * MIN) || undefined);
    expect(lines().filter((l) => l.hook === 'onWarning')).toEqual([]);
  });

  test('when five tickets are taken, then extending stops and each session gets its end warning', async () => {
    for (let i = 0; i < 5; i++) await takeTicket();
    expect(Object.keys(keys)).toEqual(['B-1', 'B-2', 'B-3', 'B-4', 'B-5']);
    // A booking for any PC at minute 70, taken by staff for someone without a phone.
    const booking = await ctx.deps.queue.take('kiosks', { slotAt: ctx.clock.now() + 44 * MIN });
    expect(booking).toMatchObject({ ok: true, label: 'B-6' });
    const ends = PCS.map((pc) => session(pc)!.record.endsAt);
    ctx.clock.advance(26 * MIN);
    const warnings = await waitFor('three warnings', () => {
      const w = lines().filter((l) => l.hook === 'onWarning');
      return w.length >= 3 ? w : undefined;
    });
    expect(new Set(warnings.map((w) => w.pc))).toEqual(new Set(PCS));
    expect(PCS.map((pc) => session(pc)!.record.endsAt)).toEqual(ends);
    expect((await phone.get(`/queue/kiosks/t/${keys['B-2']}`)).text).toContain('1 ticket is ahead of yours.');
  });

  test('when the sessions end, then each PC is held for the next ticket and shows it; the right claim code starts the session', async () => {
    ctx.clock.advance(5 * MIN);
    await waitFor('three holds shown', () => (holdsShown().length >= 3 ? true : undefined));
    expect(holdsShown().map((l) => l.ticket).sort()).toEqual(['B-1', 'B-2', 'B-3']);
    expect(lines().filter((l) => l.hook === 'onSessionEnd')).toHaveLength(3);
    const pc1 = heldPcOf('B-1')!;
    const screen = await at(pc1).page('/');
    expect(screen.text).toContain('Held for B-1');
    expect((await phone.get(`/queue/kiosks/t/${keys['B-1']}`)).text).toContain(`Go to computer ${pc1} now.`);
    // Someone else walks up: accepting the terms is refused, and a wrong code too.
    expect((await at(pc1).accept()).status).toBe(409);
    expect((await at(pc1).submit('/', '/queue/claim', { code: 'ZZZZZZ' })).status).toBe(400);
    expect((await at(pc1).submit('/', '/queue/claim', { code: await codeOf('B-1') })).status).toBe(303);
    expect(session(pc1)).toBeDefined();
    const pc2 = heldPcOf('B-2')!;
    expect((await at(pc2).submit('/', '/queue/claim', { code: await codeOf('B-2') })).status).toBe(303);
    await waitFor('the hold-end on both PCs', () => [pc1, pc2].every((pc) => lines().some((l) => l.pc === pc && l.hook === 'onHold' && l.event === 'hold-end')) || undefined);
    expect((await phone.get(`/queue/kiosks/t/${keys['B-1']}`)).status).toBe(404);
  });

  test('when a hold is not claimed in time, then it passes to the next ticket on the same PC', async () => {
    const pc3 = heldPcOf('B-3')!;
    ctx.clock.advance(5 * MIN + 1000);
    await waitFor('B-4 shown on the same PC', () => heldPcOf('B-4'));
    expect(heldPcOf('B-4')).toBe(pc3);
    expect((await phone.get(`/queue/kiosks/t/${keys['B-3']}`)).status).toBe(404);
    expect((await at(pc3).submit('/', '/queue/claim', { code: await codeOf('B-4') })).status).toBe(303);
  });

  test('when a booking comes due and a PC frees up, then the PC is held for the booking before a ticket taken earlier', async () => {
    // Minute 70: the booking's slot. Staff end one session; that PC is held for B-6, not B-5.
    ctx.clock.advance(8 * MIN);
    const pc = heldPcOf('B-1')!;
    expect(await ctx.deps.sessions.end(session(pc)!.record.id, 'staff')).toBe(true);
    await waitFor('B-6 shown', () => heldPcOf('B-6'));
    expect(heldPcOf('B-6')).toBe(pc);
    expect(heldPcOf('B-5')).toBeUndefined();
    const board = await ctx.deps.queue.board('kiosks');
    expect(board.held.map((h) => h.label)).toEqual(['B-6']);
    expect(board.waiting.map((w) => w.label)).toEqual(['B-5']);
  });
});
