// The privacy audit again, with the staff console in use: staff extend and end sessions, issue
// passes that patrons redeem. No raw IP or MAC may reach the store (files, Redis) or the logs;
// pass codes are at rest only as keyed hashes; the audit log names staff, never a device.
import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import { makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';

const PATRONS = [
  { ip: '10.88.1.23', mac: 'a4:5e:60:d1:22:9f' },
  { ip: '10.88.1.24', mac: '3c:22:fb:07:8a:10' },
  { ip: '10.88.1.25', mac: 'f0:18:98:aa:bb:cc' },
];

/** The ways an address could be written down. */
function spellings(ip: string, mac: string): string[] {
  const hex = mac.replace(/:/g, '');
  return [ip, Buffer.from(ip.split('.').map(Number)).toString('hex'), mac, mac.toUpperCase(), mac.replace(/:/g, '-'), hex, hex.toUpperCase()];
}

async function everythingAtRest(ctx: StaffContext, redis: boolean): Promise<{ where: string; data: Buffer }[]> {
  const out: { where: string; data: Buffer }[] = [];
  const walk = (dir: string): void => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else out.push({ where: p, data: fs.readFileSync(p) });
    }
  };
  walk(ctx.dataDir);
  out.push({ where: 'logs', data: Buffer.from(ctx.logs.join('')) });
  if (redis) {
    const client = new Redis(process.env.TEST_REDIS_URL!);
    try {
      for (const key of await client.keys('*')) {
        const type = await client.type(key);
        const value =
          type === 'string' ? await client.get(key) : type === 'hash' ? await client.hgetall(key) : type === 'set' ? await client.smembers(key) : await client.zrange(key, '0', '-1');
        out.push({ where: `redis ${key}`, data: Buffer.from(key + JSON.stringify(value)) });
      }
    } finally {
      client.disconnect();
    }
  }
  return out;
}

describe.each([
  ['sqlite', false],
  ['redis', true],
])('privacy audit of the staff console with %s', (_name, redis) => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when staff help patrons and issue passes, then no address is at rest or in the logs, and no pass code either', async () => {
    ctx = await makeStaffApp({ redis, config: { zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.88.1.0/24'], policy: { accessMode: 'pass' } }] } });
    const staff = await signedIn(ctx, 'sam', 'staff');
    const sheet = await staff.submit('/staff/passes', '/staff/passes', { count: '5', minutes: '60', validUntil: '2026-11-20' });
    const codes = [...sheet.text.matchAll(/<p class="pass-code">([A-Z0-9-]+)<\/p>/g)].map((m) => m[1]!);
    for (const [i, p] of PATRONS.entries()) {
      expect((await new Patron(ctx.app, p.ip, p.mac).submit('/', '/redeem', { code: codes[i]! })).status).toBe(303);
    }
    const [first, second] = PATRONS.map((p) => ctx.deps.sessions.lookup(p.ip)!.record.code);
    await staff.submit(`/staff/sessions?code=${first}`, '/staff/sessions/extend', { code: first!, minutes: '15' });
    await staff.submit(`/staff/sessions?code=${second}`, '/staff/sessions/end', { code: second!, confirm: 'yes' });
    await staff.get('/staff/stats/day/2026-11-18.csv');
    await ctx.deps.sessions.tick();

    const haystacks = await everythingAtRest(ctx, redis);
    const leaks: string[] = [];
    for (const p of PATRONS) for (const s of spellings(p.ip, p.mac)) for (const h of haystacks) if (h.data.includes(s)) leaks.push(`${s} in ${h.where}`);
    for (const c of codes) for (const s of [c, c.replace('-', '')]) for (const h of haystacks) if (h.data.includes(s)) leaks.push(`pass code ${s} in ${h.where}`);
    expect(leaks).toEqual([]);

    // The audit log says what staff did, with zone and session code, and nothing about a device.
    const audit = await ctx.deps.staff.audit.list(50);
    const pseudonyms = (await ctx.deps.store.listSessions()).map((s) => s.pseudonym);
    for (const e of audit) for (const p of pseudonyms) expect(JSON.stringify(e)).not.toContain(p);
    expect(audit.map((e) => e.action).sort()).toEqual(['passes.create', 'session.end', 'session.extend', 'staff.add', 'staff.sign-in']);
  });
});
