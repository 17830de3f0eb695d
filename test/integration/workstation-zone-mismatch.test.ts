// A kiosk-zone workstation whose requests come from an address in another zone (its browser on
// the Wi-Fi, say) has its sessions counted there: the statistics and fleet pages say so by name.
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import { AGENT_API_BASE } from '../../src/workstations/protocol';
import { makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';

const CONFIG = {
  zones: [
    { id: 'pcs', name: 'Public PCs', subnets: ['10.20.0.0/16'], kind: 'kiosk' },
    { id: 'wifi', name: 'Wi-Fi', subnets: ['10.1.0.0/16'] },
  ],
};

describe('workstations whose address is in another zone', () => {
  let ctx: StaffContext;
  let agentApp: Express;
  beforeEach(async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    agentApp = createApp(ctx.deps, { surfaces: ['portal', 'agent'] });
  });
  afterEach(() => ctx.close());

  async function enrolled(name: string): Promise<string> {
    const { code } = await ctx.deps.workstations.createCode({ zoneId: 'pcs' });
    const res = await request(agentApp).post(`${AGENT_API_BASE}/enrol`).set('X-Test-Client', '10.20.0.5').send({ code, name });
    expect(res.status).toBe(201);
    return res.body.token as string;
  }
  const poll = (token: string, ip: string) => request(agentApp).get(`${AGENT_API_BASE}/session`).set('X-Test-Client', ip).set('Authorization', `Bearer ${token}`);

  it('when a kiosk-zone PC asks from a Wi-Fi address, then the statistics and fleet pages name it; back on its network, the warning goes', async () => {
    const token = await enrolled('pc-hall');
    await enrolled('pc-desk');
    const staff = await signedIn(ctx, 'sam', 'staff');
    expect((await poll(token, '10.1.0.44')).status).toBe(200);
    const stats = (await staff.get('/staff/stats/day/2026-11-18')).text;
    expect(stats).toContain('Workstations counted in another zone');
    expect(stats).toContain('pc-hall</a>: enrolled in Public PCs, its address is in Wi-Fi.');
    expect(stats).not.toContain('pc-desk</a>:');
    expect((await staff.get('/staff/workstations')).text).toContain('(enrolled in Public PCs, address in Wi-Fi)');
    expect((await poll(token, '10.20.0.9')).status).toBe(200);
    expect((await staff.get('/staff/stats/day/2026-11-18')).text).not.toContain('Workstations counted in another zone');
    expect((await staff.get('/staff/workstations')).text).not.toContain('address in Wi-Fi');
  });

  it('when a misplaced PC is retired, then it is no longer named', async () => {
    const token = await enrolled('pc-old');
    await poll(token, '10.1.0.45');
    const staff = await signedIn(ctx, 'sam', 'staff');
    expect((await staff.submit('/staff/workstations/pc-old', '/staff/workstations/pc-old/retire', { confirm: 'yes' })).status).toBe(303);
    expect((await staff.get('/staff/stats/day/2026-11-18')).text).not.toContain('Workstations counted in another zone');
  });
});
