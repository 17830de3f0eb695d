// The fleet pages inside the real staff console: its sign-in guard, its form tokens, its audit
// log; and a kiosk session ended from the console's Sessions page reaching the kiosk's agent.
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import { AGENT_API_BASE } from '../../src/workstations/protocol';
import { makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';
import { KIOSK_CONFIG, makeReport } from '../helpers/workstations';

const KIOSK_IP = '10.20.0.31';

describe('fleet pages in the staff console', () => {
  let ctx: StaffContext;
  let portal: Express;
  beforeEach(async () => {
    ctx = await makeStaffApp({ config: KIOSK_CONFIG });
    portal = createApp(ctx.deps, { surfaces: ['portal', 'agent'] });
  });
  afterEach(() => ctx.close());

  async function enrolKiosk(name = 'kiosk-01'): Promise<string> {
    const { code } = await ctx.deps.workstations.createCode({ zoneId: 'kiosks' });
    const res = await request(portal).post(`${AGENT_API_BASE}/enrol`).set('X-Test-Client', KIOSK_IP).send({ code, name });
    return res.body.token as string;
  }
  const agent = (token: string) => ({
    get: (route: string) => request(portal).get(AGENT_API_BASE + route).set('X-Test-Client', KIOSK_IP).set('Authorization', `Bearer ${token}`),
    post: (route: string, body: object) =>
      request(portal).post(AGENT_API_BASE + route).set('X-Test-Client', KIOSK_IP).set('Authorization', `Bearer ${token}`).send(body),
  });

  it('when someone is not signed in, then the fleet pages send them to sign in and actions are refused', async () => {
    const page = await request(ctx.staffApp).get('/staff/workstations').set('Accept', 'text/html');
    expect(page.status).toBe(303);
    expect(page.headers.location).toBe('/staff/login?next=%2Fstaff%2Fworkstations');
    const post = await request(ctx.staffApp).post('/staff/workstations/codes').type('form').send({ zone: 'kiosks', ttl: '10' });
    expect(post.status).toBe(401);
  });

  it('when staff are signed in, then the fleet is in the console\'s navigation and its actions go to the audit log under their name', async () => {
    const token = await enrolKiosk();
    await agent(token).post('/heartbeat', { reports: [makeReport()] });
    const staff = await signedIn(ctx, 'maria', 'staff');
    const page = await staff.get('/staff/workstations');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<a href="/staff/workstations" aria-current="page">Workstations</a>');
    expect(page.text).toContain('>kiosk-01<');

    const created = await staff.submit('/staff/workstations', '/staff/workstations/codes', { zone: 'kiosks', ttl: '15' });
    expect(created.status).toBe(200);
    expect(created.text).toMatch(/enrol-code">[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}</);
    expect((await staff.submit('/staff/workstations/kiosk-01', '/staff/workstations/kiosk-01/commands', { kind: 'lock', message: '', confirm: 'yes' })).status).toBe(303);
    expect((await staff.submit('/staff/workstations/kiosk-01', '/staff/workstations/kiosk-01/retire', { confirm: 'yes' })).status).toBe(303);

    const audit = await ctx.deps.staff.audit.list(10);
    expect(audit.map((e) => [e.actor, e.action, e.target])).toEqual(
      expect.arrayContaining([
        ['maria', 'workstation.code', 'kiosks'],
        ['maria', 'workstation.command', 'kiosk-01'],
        ['maria', 'workstation.retire', 'kiosk-01'],
      ]),
    );
    expect((await agent(token).get('/session')).status).toBe(403);
  });

  it('when staff end a kiosk session on the Sessions page, then the kiosk\'s next poll says it ended by staff', async () => {
    const token = await enrolKiosk();
    const patron = new Patron(portal, KIOSK_IP);
    await patron.accept();
    expect((await agent(token).get('/session')).body.session.live).toBe(true);
    const code = ctx.deps.sessions.lookup(KIOSK_IP)!.record.code;

    const staff = await signedIn(ctx, 'sam', 'staff');
    const ended = await staff.submit(`/staff/sessions?code=${code}`, '/staff/sessions/end', { code, confirm: 'yes' });
    expect(ended.status).toBe(303);
    expect((await agent(token).get('/session')).body.session).toEqual({ live: false, ended: { reason: 'staff' } });
  });
});
