// Two gateways sharing one Redis run one queue per kiosk zone: a ticket taken through either one's
// pages is on both boards, numbers never repeat, and a PC held through one is claimed through the
// other's page, once.
import { makeReport, makeWorkstation } from '../helpers/workstations';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';

const CONFIG = {
  zones: [
    { id: 'kiosks', name: 'Basement PCs', kind: 'kiosk', subnets: ['10.20.0.0/16'] },
    { id: 'wifi', name: 'Wi-Fi', subnets: ['10.91.0.0/16'] },
  ],
};

describe('the queue across two gateways sharing Redis', () => {
  let one: TestContext;
  let two: TestContext;
  beforeEach(async () => {
    one = await makeTestApp({ redis: true, config: { ...CONFIG, gatewayId: 'gw-a' } });
    two = await makeTestApp({ redis: true, prefix: one.prefix, config: { ...CONFIG, gatewayId: 'gw-b' } });
  });
  afterEach(async () => {
    await two.close();
    await one.close();
  });

  async function take(ctx: TestContext, ip: string): Promise<{ key: string; label: string; code: string }> {
    const phone = new Patron(ctx.app, ip);
    const res = await phone.submit('/queue/kiosks', '/queue/kiosks/take');
    const key = /\/t\/([\w-]{22})$/.exec(String(res.headers.location))![1]!;
    const page = (await phone.get(`/queue/kiosks/t/${key}`)).text;
    return { key, label: /Your ticket: (B-\d+)/.exec(page)![1]!, code: /class="code">([^<]+)</.exec(page)![1]!.replace(' ', '') };
  }

  test('when phones take tickets through both gateways at once, then the numbers are 1 to 6 and both boards list them', async () => {
    const tickets = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => take(i % 2 ? one : two, `10.91.0.${i}`)));
    expect(tickets.map((t) => t.label).sort()).toEqual(['B-1', 'B-2', 'B-3', 'B-4', 'B-5', 'B-6']);
    for (const ctx of [one, two]) expect((await ctx.deps.queue.board('kiosks')).waiting).toHaveLength(6);
  });

  test('when a PC is held through one gateway, then its holder follows and claims it through the other', async () => {
    const t = await take(one, '10.91.0.9');
    // pc-1's agent asks gateway B; the phone follows its ticket on gateway A.
    await two.deps.store.workstations.add(makeWorkstation({ name: 'pc-1', zoneId: 'kiosks' }));
    await two.deps.store.workstations.recordHealth('pc-1', [{ receivedAt: two.clock.now(), report: makeReport() }], two.clock.now());
    two.deps.pcs.note({ name: 'pc-1', zoneId: 'kiosks' }, '10.20.0.5');
    expect(await two.deps.queue.holdAt('kiosks', 'pc-1')).toMatchObject({ label: t.label });
    expect((await new Patron(one.app, '10.91.0.9').get(`/queue/kiosks/t/${t.key}`)).text).toContain('Go to computer pc-1 now.');
    const atPc = new Patron(two.app, '10.20.0.5');
    expect((await atPc.page('/')).text).toContain(`Held for ${t.label}`);
    expect((await atPc.submit('/', '/queue/claim', { code: t.code })).status).toBe(303);
    expect(two.deps.sessions.lookup('10.20.0.5')).toBeDefined();
    expect((await one.deps.queue.pcStates('kiosks')).busy).toEqual(['pc-1']);
    expect((await new Patron(one.app, '10.91.0.9').get(`/queue/kiosks/t/${t.key}`)).status).toBe(404);
    expect((await one.deps.queue.board('kiosks')).held).toEqual([]);
  });
});
