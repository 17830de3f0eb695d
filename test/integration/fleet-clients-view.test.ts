// The clients view: the fleet shows the minutes left of the kiosk session on each PC, and staff
// add time to it from the PC's page (audited like an extend by code, never past closing).
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import { AGENT_API_BASE } from '../../src/workstations/protocol';
import { makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';

const CONFIG = { zones: [{ id: 'pcs', name: 'Public PCs', subnets: ['10.20.0.0/16'], kind: 'kiosk', policy: { sessionMinutes: 30, dailyMinutes: 120 } }] };
const PC_IP = '10.20.0.5';

describe('the clients view of the fleet', () => {
  let ctx: StaffContext;
  let agentApp: Express;
  beforeEach(async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    agentApp = createApp(ctx.deps, { surfaces: ['portal', 'agent'] });
  });
  afterEach(() => ctx.close());

  async function pcWithSession(): Promise<void> {
    const { code } = await ctx.deps.workstations.createCode({ zoneId: 'pcs' });
    const { token } = (await request(agentApp).post(`${AGENT_API_BASE}/enrol`).set('X-Test-Client', PC_IP).send({ code, name: 'pc-1' })).body as { token: string };
    await new Patron(ctx.app, PC_IP).accept();
    const polled = await request(agentApp).get(`${AGENT_API_BASE}/session`).set('X-Test-Client', PC_IP).set('Authorization', `Bearer ${token}`);
    expect(polled.body.session.live).toBe(true);
  }

  it('when a PC has a kiosk session, then the fleet shows its minutes left and staff add 15 from its page', async () => {
    await pcWithSession();
    const staff = await signedIn(ctx, 'sam', 'staff');
    expect((await staff.get('/staff/workstations')).text).toMatch(/pc-1<\/a><\/th>[\s\S]*?<td>30 min<\/td>/);
    const page = (await staff.get('/staff/workstations/pc-1')).text;
    expect(page).toContain('<strong>30 min left.</strong>');
    const added = await staff.submit('/staff/workstations/pc-1', '/staff/workstations/pc-1/add-time', { minutes: '15' });
    expect([added.status, added.headers.location]).toEqual([303, '/staff/workstations/pc-1?notice=extended']);
    expect((await staff.get(added.headers.location as string)).text).toContain('<strong>45 min left.</strong>');
    const audit = await ctx.deps.store.staff.listAudit(5);
    expect(audit.map((e) => [e.actor, e.action])).toContainEqual(['sam', 'session.extend']);
  });

  it('when no session runs on the PC, or the minutes are not a choice, then the page says so and nothing changes', async () => {
    const { code } = await ctx.deps.workstations.createCode({ zoneId: 'pcs' });
    await request(agentApp).post(`${AGENT_API_BASE}/enrol`).set('X-Test-Client', PC_IP).send({ code, name: 'pc-1' });
    const staff = await signedIn(ctx, 'sam', 'staff');
    expect((await staff.get('/staff/workstations/pc-1')).text).toContain('No kiosk session is running on it now');
    const none = await staff.submit('/staff/workstations/pc-1', '/staff/workstations/pc-1/add-time', { minutes: '15' });
    expect(none.status).toBe(409);
    expect(none.text).toContain('No kiosk session is running on pc-1 now.');
    const odd = await staff.submit('/staff/workstations/pc-1', '/staff/workstations/pc-1/add-time', { minutes: '999' });
    expect(odd.status).toBe(400);
    expect(odd.text).toContain('Choose how much time to add: 15, 30, 60 minutes.');
  });
});
