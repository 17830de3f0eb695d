// Workstations and privacy: after enrolment, heartbeats, a kiosk session with polls, a staff
// command and retiring, nothing stored (SQLite file, Redis) or logged holds the kiosk's address
// or the workstation's token.
import request from 'supertest';
import { createApp } from '../../src/app';
import { AGENT_API_BASE } from '../../src/workstations/protocol';
import { connectTestRedis } from '../helpers/redis';
import { filesUnder, findLeaks, redisContents } from '../helpers/leak-search';
import { makeTestApp, Patron } from '../helpers/test-deps';
import { KIOSK_CONFIG, makeReport } from '../helpers/workstations';

const KIOSK = { ip: '10.20.9.41', mac: '6c:3b:e5:14:0a:9d' };

describe.each([['sqlite'], ['redis']])('workstation privacy (%s)', (backend) => {
  it('when a kiosk is used end to end, then its address and token are nowhere at rest or in the logs', async () => {
    const ctx = await makeTestApp({ config: KIOSK_CONFIG, redis: backend === 'redis' });
    try {
      const app = createApp(ctx.deps, { surfaces: ['portal', 'agent'] });
      const client = `${KIOSK.ip},${KIOSK.mac}`;
      const { code } = await ctx.deps.workstations.createCode({ zoneId: 'kiosks' });
      const enrolled = await request(app).post(`${AGENT_API_BASE}/enrol`).set('X-Test-Client', client).send({ code, name: 'kiosk-07' });
      const token = enrolled.body.token as string;
      const api = (method: 'get' | 'post', route: string) =>
        request(app)[method](AGENT_API_BASE + route).set('X-Test-Client', client).set('Authorization', `Bearer ${token}`);

      expect((await api('post', '/heartbeat').send({ reports: [makeReport()] })).status).toBe(200);
      await new Patron(app, KIOSK.ip, KIOSK.mac).accept();
      expect((await api('get', '/session')).body.session.live).toBe(true);
      await ctx.deps.workstations.send({ name: 'kiosk-07' }, 'end-session');
      const polled = await api('get', '/session');
      expect(polled.body.session).toEqual({ live: false, ended: { reason: 'staff' } });
      await api('post', `/commands/${polled.body.commands[0].id}/ack`).send({ ok: true });
      await api('post', '/wipe').send({ ok: true });
      expect((await api('post', '/heartbeat').send({ reports: [makeReport()] })).status).toBe(200);

      const haystacks = [...filesUnder(ctx.dataDir), { where: 'logs', data: ctx.logs.join('') }];
      if (backend === 'redis') {
        const redis = await connectTestRedis();
        try {
          haystacks.push(...(await redisContents(redis)));
        } finally {
          await redis.quit();
        }
      }
      expect(findLeaks([KIOSK.ip, KIOSK.mac, token], haystacks)).toEqual([]);
      // The workstation itself is there (by name): the search did look at the right store.
      expect(haystacks.some((h) => Buffer.from(h.data).includes('kiosk-07'))).toBe(true);
    } finally {
      await ctx.close();
    }
  });
});
