// The agent API through supertest: enrolment, token checks, the report allowlist, commands and
// acknowledgements, and the kiosk session of the machine asking.
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import { hashToken } from '../../src/workstations/secrets';
import { AGENT_API_BASE } from '../../src/workstations/protocol';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';
import { KIOSK_CONFIG, makeReport } from '../helpers/workstations';
import { filesUnder } from '../helpers/leak-search';

const KIOSK_IP = '10.20.0.7';

/** An agent as the API sees it: a bearer token and a source address. */
class Agent {
  constructor(
    private readonly app: Express,
    readonly token: string,
    readonly ip = KIOSK_IP,
  ) {}
  post(route: string, body: unknown) {
    return request(this.app).post(AGENT_API_BASE + route).set('X-Test-Client', this.ip).set('Authorization', `Bearer ${this.token}`).send(body as object);
  }
  get(route: string) {
    return request(this.app).get(AGENT_API_BASE + route).set('X-Test-Client', this.ip).set('Authorization', `Bearer ${this.token}`);
  }
  heartbeat(reports = [makeReport()]) {
    return this.post('/heartbeat', { reports });
  }
}

describe('agent API', () => {
  let ctx: TestContext;
  let app: Express;
  beforeEach(async () => {
    ctx = await makeTestApp({ config: KIOSK_CONFIG });
    app = createApp(ctx.deps, { surfaces: ['portal', 'agent'] });
  });
  afterEach(() => ctx.close());

  const enrol = (code: string, name: string, ip = KIOSK_IP) =>
    request(app).post(`${AGENT_API_BASE}/enrol`).set('X-Test-Client', ip).send({ code, name });

  async function enrolled(name = 'kiosk-01', ip = KIOSK_IP): Promise<Agent> {
    const { code } = await ctx.deps.workstations.createCode({ zoneId: 'kiosks' });
    const res = await enrol(code, name, ip);
    expect(res.status).toBe(201);
    return new Agent(app, res.body.token as string, ip);
  }

  describe('enrolment', () => {
    it('when a valid code is exchanged, then the agent gets a 256-bit token and only its hash is stored', async () => {
      const { code } = await ctx.deps.workstations.createCode({ zoneId: 'kiosks', ttlMinutes: 10 });
      expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
      const res = await enrol(code.toLowerCase().replace(/-/g, ' '), 'kiosk-01');
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ name: 'kiosk-01', zoneId: 'kiosks', token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
      const token = res.body.token as string;
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      const ws = await ctx.deps.store.workstations.get('kiosk-01');
      expect(ws?.tokenHash).toBe(hashToken(token));
      // Every file, KEYS_DIR included.
      const files = filesUnder(ctx.dataDir).map((h) => h.data as Buffer);
      for (const bytes of files) {
        expect(bytes.includes(token)).toBe(false);
        expect(bytes.includes(code.replace(/-/g, ''))).toBe(false);
      }
      expect(ctx.logs.join('')).not.toContain(token);
    });

    it('when a code is used twice, mistyped or expired, then enrolment is refused with 403 and says what to do', async () => {
      const { code } = await ctx.deps.workstations.createCode({ ttlMinutes: 5 });
      expect((await enrol(code, 'kiosk-01')).status).toBe(201);
      const again = await enrol(code, 'kiosk-02');
      expect(again.status).toBe(403);
      expect(again.body.error).toEqual({ code: 'bad_code', message: expect.stringContaining('Ask staff for a new one') });
      expect((await enrol('AAAA-BBBB-CCCC', 'kiosk-02')).status).toBe(403);
      const late = await ctx.deps.workstations.createCode({ ttlMinutes: 5 });
      ctx.clock.advance(5 * 60_000 + 1);
      expect((await enrol(late.code, 'kiosk-02')).status).toBe(403);
    });

    it('when the name is taken, then enrolment answers 409 and the code still works for another name', async () => {
      await enrolled('kiosk-01');
      const { code } = await ctx.deps.workstations.createCode();
      const taken = await enrol(code, 'kiosk-01');
      expect(taken.status).toBe(409);
      expect(taken.body.error.message).toContain('already enrolled');
      expect((await enrol(code, 'kiosk-02')).status).toBe(201);
    });

    it('when the body is malformed, then enrolment answers 400 naming each field', async () => {
      const res = await request(app).post(`${AGENT_API_BASE}/enrol`).send({ code: 'X', name: 'Kiosk 1', serial: 'abc' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('invalid_input');
      expect(Object.keys(res.body.error.fields).sort()).toEqual(['body', 'name']);
      const notJson = await request(app).post(`${AGENT_API_BASE}/enrol`).set('Content-Type', 'application/json').send('{"code":');
      expect(notJson.status).toBe(400);
      expect(notJson.body.error.code).toBe('malformed');
    });
  });

  describe('tokens', () => {
    it('when there is no token, a bad token or a retired workstation, then the answer is a 4xx JSON error and nothing is stored', async () => {
      const agent = await enrolled();
      const none = await request(app).post(`${AGENT_API_BASE}/heartbeat`).send({ reports: [makeReport()] });
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
      expect(none.body.error.code).toBe('no_token');
      const bad = await new Agent(app, 'x'.repeat(43)).heartbeat();
      expect(bad.status).toBe(401);
      expect(bad.body.error.code).toBe('bad_token');
      expect((await agent.get('/session')).status).toBe(200); // known to the server from here on
      await ctx.deps.workstations.retire('kiosk-01');
      const retired = await agent.heartbeat();
      expect(retired.status).toBe(403);
      expect(retired.body.error).toEqual({ code: 'retired', message: expect.stringContaining('enrol it again with a new code') });
      expect((await agent.get('/session')).status).toBe(403);
      expect(await ctx.deps.store.workstations.history('kiosk-01')).toEqual([]);
    });

    it('when a retired name is enrolled again, then the old token stays refused and the new one works', async () => {
      const old = await enrolled('kiosk-01');
      expect((await old.heartbeat()).status).toBe(200);
      await ctx.deps.workstations.retire('kiosk-01');
      const fresh = await enrolled('kiosk-01');
      expect((await old.heartbeat()).status).toBe(401);
      expect((await fresh.heartbeat()).status).toBe(200);
    });
  });

  describe('heartbeats and the allowlist', () => {
    it('when a valid report arrives, then it joins the history, becomes the latest health and sets last seen', async () => {
      const agent = await enrolled();
      const report = makeReport({ cpuLoadPercent: 42 });
      const res = await agent.heartbeat([report]);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ accepted: 1, commands: [] });
      const ws = await ctx.deps.store.workstations.get('kiosk-01');
      expect(ws?.health).toEqual(report);
      expect(ws?.lastSeenAt).toBe(ctx.clock.now());
      expect(await ctx.deps.store.workstations.history('kiosk-01')).toEqual([{ receivedAt: ctx.clock.now(), report }]);
    });

    it.each([
      ['a host name', { hostname: 'FRONT-DESK-PC' }],
      ['a user name', { username: 'alice' }],
      ['a process list', { processes: ['chrome.exe'] }],
      ['a URL', { url: 'https://example.org/private' }],
    ])('when a report carries %s, then it is refused with 400 and nothing is stored', async (_what, extra) => {
      const agent = await enrolled();
      const res = await agent.heartbeat([{ ...makeReport(), ...extra } as never]);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(Object.keys(extra)[0]);
      expect(await ctx.deps.store.workstations.history('kiosk-01')).toEqual([]);
      expect((await ctx.deps.store.workstations.get('kiosk-01'))?.lastSeenAt).toBeUndefined();
    });

    it('when an unknown field hides in a nested object or the batch is too big, then it is refused', async () => {
      const agent = await enrolled();
      const nested = makeReport();
      (nested.os as Record<string, unknown>).hostname = 'pc';
      expect((await agent.heartbeat([nested])).status).toBe(400);
      expect((await agent.post('/heartbeat', { reports: [makeReport()], windowTitles: [] })).status).toBe(400);
      expect((await agent.heartbeat(Array.from({ length: 21 }, () => makeReport()))).status).toBe(400);
      const huge = await agent.post('/heartbeat', { reports: [{ ...makeReport(), os: { family: 'linux', distro: 'x'.repeat(40_000), release: '1' } }] });
      expect(huge.status).toBe(413);
      expect(await ctx.deps.store.workstations.history('kiosk-01')).toEqual([]);
    });

    it('when queued reports arrive together, then all are stored in the order they were measured', async () => {
      const agent = await enrolled();
      const t = ctx.clock.now();
      const reports = [makeReport({ at: t - 1000 }), makeReport({ at: t - 3000 }), makeReport({ at: t - 2000 })];
      expect((await agent.heartbeat(reports)).body.accepted).toBe(3);
      const history = await ctx.deps.store.workstations.history('kiosk-01');
      expect(history.map((h) => h.report.at)).toEqual([t - 1000, t - 2000, t - 3000]);
    });
  });

  describe('commands', () => {
    it('when staff send a command, then it goes out with heartbeats and polls until acknowledged, and the ack is kept', async () => {
      const agent = await enrolled();
      await ctx.deps.workstations.send({ name: 'kiosk-01' }, 'lock');
      const hb = await agent.heartbeat();
      expect(hb.body.commands).toEqual([{ id: expect.any(String), kind: 'lock' }]);
      const id = hb.body.commands[0].id as string;
      expect((await agent.get('/session')).body.commands).toEqual([{ id, kind: 'lock' }]);
      const [pending] = await ctx.deps.store.workstations.listCommands('kiosk-01');
      expect(pending).toMatchObject({ status: 'pending', deliveredAt: ctx.clock.now() });

      expect((await agent.post(`/commands/${id}/ack`, { ok: true })).status).toBe(204);
      expect((await agent.heartbeat()).body.commands).toEqual([]);
      expect((await ctx.deps.store.workstations.listCommands('kiosk-01'))[0]).toMatchObject({ status: 'done' });
      expect((await ctx.deps.store.workstations.get('kiosk-01'))?.mode).toBe('locked');
      const twice = await agent.post(`/commands/${id}/ack`, { ok: true });
      expect(twice.status).toBe(404);
      expect(twice.body.error.code).toBe('not_found');
    });

    it('when a command fails on the machine, then it is kept as failed with the reason and the mode stays', async () => {
      const agent = await enrolled();
      await ctx.deps.workstations.send({ zoneId: 'kiosks' }, 'out-of-order');
      const [cmd] = (await agent.heartbeat()).body.commands;
      expect((await agent.post(`/commands/${cmd.id}/ack`, { ok: false, reason: 'no-hook', details: 'x' })).status).toBe(400);
      expect((await agent.post(`/commands/${cmd.id}/ack`, { ok: false, reason: 'no-hook' })).status).toBe(204);
      expect((await ctx.deps.store.workstations.listCommands('kiosk-01'))[0]).toMatchObject({ status: 'failed', reason: 'no-hook' });
      expect((await ctx.deps.store.workstations.get('kiosk-01'))?.mode).toBe('in-service');
    });

    it('when a wipe result arrives, then the last wipe is kept and a failure is flagged in the fleet view', async () => {
      const agent = await enrolled();
      expect((await agent.post('/wipe', { ok: false, reason: 'exit-code', exitCode: 2 })).status).toBe(204);
      const [entry] = await ctx.deps.workstations.overview();
      expect(entry?.workstation.lastWipe).toEqual({ ok: false, reason: 'exit-code', at: ctx.clock.now() });
      expect(entry?.flags).toContain('failed-wipe');
    });
  });

  describe('kiosk sessions', () => {
    it('when a patron is online at the kiosk, then the poll says so; when staff end it, the poll says it ended by staff', async () => {
      const agent = await enrolled();
      expect((await agent.get('/session')).body.session).toEqual({ live: false });
      const patron = new Patron(app, KIOSK_IP);
      expect((await patron.accept()).status).toBe(303);
      const live = (await agent.get('/session')).body.session;
      expect(live).toEqual({ live: true, startedAt: ctx.clock.now(), secondsLeft: 30 * 60, warningMinutes: 5 });
      expect((await ctx.deps.store.workstations.get('kiosk-01'))?.inUse).toBe(true);

      const session = ctx.deps.sessions.lookup(KIOSK_IP)!;
      await ctx.deps.sessions.end(session.record.id, 'staff');
      expect((await agent.get('/session')).body.session).toEqual({ live: false, ended: { reason: 'staff' } });
      expect((await agent.get('/session')).body.session).toEqual({ live: false });
      expect((await ctx.deps.store.workstations.get('kiosk-01'))?.inUse).toBe(false);
    });

    it('when the patron logs out or the time runs out, then the poll gives that reason', async () => {
      const agent = await enrolled();
      const patron = new Patron(app, KIOSK_IP);
      await patron.accept();
      await agent.get('/session');
      await patron.submit('/status', '/logout');
      expect((await agent.get('/session')).body.session).toEqual({ live: false, ended: { reason: 'logout' } });
      ctx.clock.advance(60 * 60_000);
      await patron.accept();
      await agent.get('/session');
      ctx.clock.advance(30 * 60_000);
      expect((await agent.get('/session')).body.session).toEqual({ live: false, ended: { reason: 'time' } });
    });

    it('when staff send "end session", then the kiosk session ends on delivery, once, and the poll says staff', async () => {
      const agent = await enrolled();
      const patron = new Patron(app, KIOSK_IP);
      await patron.accept();
      await agent.get('/session');
      await ctx.deps.workstations.send({ name: 'kiosk-01' }, 'end-session');
      const res = await agent.get('/session');
      expect(res.body.commands).toEqual([{ id: expect.any(String), kind: 'end-session' }]);
      expect(res.body.session).toEqual({ live: false, ended: { reason: 'staff' } });
      expect(ctx.deps.sessions.lookup(KIOSK_IP)).toBeUndefined();
      // Delivered again before the ack: the next patron's session is not touched.
      await patron.accept();
      const again = await agent.get('/session');
      expect(again.body.commands).toHaveLength(1);
      expect(again.body.session.live).toBe(true);
    });

    it('when another machine asks, then it gets its own state, never the kiosk\'s', async () => {
      const kiosk = await enrolled('kiosk-01');
      const other = await enrolled('kiosk-02', '10.20.0.8');
      await new Patron(app, KIOSK_IP).accept();
      expect((await kiosk.get('/session')).body.session.live).toBe(true);
      expect((await other.get('/session')).body.session).toEqual({ live: false });
    });
  });

  describe('rate limits', () => {
    it('when an address keeps trying enrolment codes, then it gets 429 with Retry-After', async () => {
      const codes = Array.from({ length: 10 }, (_, i) => enrol(`AAAA-BBBB-CCC${i}`, `pc-${i}`));
      expect((await Promise.all(codes)).every((r) => r.status === 403)).toBe(true);
      const limited = await enrol('AAAA-BBBB-CCCD', 'pc-x');
      expect(limited.status).toBe(429);
      expect(limited.headers['retry-after']).toBe('60');
      expect(limited.body.error.code).toBe('too_many_requests');
    });

    it('when an address keeps sending bad tokens, then it gets 429, while a working agent elsewhere is not held back', async () => {
      const good = await enrolled('kiosk-01', '10.20.0.9');
      const bad = new Agent(app, 'y'.repeat(43), '10.20.0.66');
      for (let i = 0; i < 30; i++) expect((await bad.heartbeat()).status).toBe(401);
      expect((await bad.heartbeat()).status).toBe(429);
      for (let i = 0; i < 40; i++) expect((await good.heartbeat()).status).toBe(200);
    });

    it('when many workstations behind one address send at once, then none is held back', async () => {
      const agents = await Promise.all(
        Array.from({ length: 60 }, async (_, i) => {
          const token = `token-${i}-`.padEnd(43, 'x');
          await ctx.deps.store.workstations.add({ name: `pc-${i}`, zoneId: 'kiosks', tokenHash: hashToken(token), enrolledAt: 0, mode: 'in-service', inUse: false });
          return new Agent(app, token, '10.20.0.200');
        }),
      );
      const answers = await Promise.all(agents.map((a) => a.heartbeat()));
      expect(answers.map((r) => r.status)).toEqual(agents.map(() => 200));
    });
  });
});
