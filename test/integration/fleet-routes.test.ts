// The staff fleet pages through supertest, mounted as the staff console will mount them.
import request from 'supertest';
import type { WorkstationRecord } from '../../src/store/types';
import { makeStaffApp, signedIn, StaffBrowser, type StaffContext } from '../helpers/staff';
import { makeReport, makeWorkstation } from '../helpers/workstations';

const CONFIG = {
  zones: [
    { id: 'kiosks', name: 'Kiosk PCs', subnets: ['10.20.0.0/16'] },
    { id: 'lab', name: 'Computer lab', subnets: ['10.30.0.0/16'] },
    { id: 'wifi', name: 'Wi-Fi', subnets: ['0.0.0.0/0'] },
  ],
};
const MIN = 60_000;

describe('staff fleet pages', () => {
  let ctx: StaffContext;
  /** A signed-in staff member's browser on the console (cookies and CSRF tokens kept). */
  let staff: StaffBrowser;
  beforeEach(async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    staff = await signedIn(ctx, 'maria', 'staff');
  });
  afterEach(() => ctx.close());

  async function add(name: string, over: Partial<WorkstationRecord>, report = makeReport()) {
    const now = ctx.clock.now();
    await ctx.deps.store.workstations.add(makeWorkstation({ name, zoneId: 'kiosks', enrolledAt: now - 60 * MIN, ...over }));
    await ctx.deps.store.workstations.recordHealth(name, [{ receivedAt: now, report: { ...report, at: now } }], over.lastSeenAt ?? now);
  }

  async function fleet(): Promise<void> {
    const now = ctx.clock.now();
    await add('pc-free', {}, makeReport({ systemDisk: { freeBytes: 1e9, totalBytes: 120e9 }, agentVersion: '0.0.9' }));
    await add('pc-use', {}, makeReport({ cpuLoadPercent: 97 }));
    await ctx.deps.store.workstations.update('pc-use', { inUse: true });
    await add('pc-locked', {});
    await ctx.deps.store.workstations.update('pc-locked', { mode: 'locked', lastWipe: { ok: false, at: now, reason: 'exit-code' } });
    await add('pc-broken', { zoneId: 'lab' });
    await ctx.deps.store.workstations.update('pc-broken', { mode: 'out-of-order' });
    await add('pc-off', { zoneId: 'lab', lastSeenAt: now - 4 * MIN });
  }

  const row = (html: string, name: string) => new RegExp(`<tr>\\s*<th scope="row"><a href="/staff/workstations/${name}">${name}</a></th>[\\s\\S]*?</tr>`).exec(html)?.[0] ?? '';

  it('when staff open the fleet page, then each workstation shows its state, health flags and last seen', async () => {
    await fleet();
    const res = await staff.get('/staff/workstations');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.text).not.toMatch(/style=|<script/);
    expect(row(res.text, 'pc-free')).toMatch(/state-free">Free<[\s\S]*Low disk space[\s\S]*Old agent version[\s\S]*10:00 \(just now\)/);
    expect(row(res.text, 'pc-use')).toMatch(/state-in-use">In use<[\s\S]*High load/);
    expect(row(res.text, 'pc-locked')).toMatch(/state-locked">Locked<[\s\S]*Last wipe failed/);
    expect(row(res.text, 'pc-broken')).toMatch(/state-out-of-order">Out of order<[\s\S]*OK/);
    expect(row(res.text, 'pc-off')).toMatch(/state-offline">Offline<[\s\S]*09:56 \(4 min ago\)/);
    expect(res.text).toMatch(/<span class="big">1<\/span> <span class="state state-free">Free<\/span>/);
  });

  it('when staff filter by zone, then only that zone\'s workstations are listed and the filter stays chosen', async () => {
    await fleet();
    const res = await staff.get('/staff/workstations?zone=lab');
    expect(res.text).toContain('>pc-broken<');
    expect(res.text).toContain('>pc-off<');
    expect(res.text).not.toContain('>pc-free<');
    expect(res.text).toContain('<option value="lab" selected>');
    expect((await staff.get('/staff/workstations?zone=nowhere')).text).toContain('>pc-free<');
  });

  it('when staff open a workstation, then its recent health and its commands with their status are shown', async () => {
    await fleet();
    await ctx.deps.workstations.send({ name: 'pc-free' }, 'message', 'Closing at <b>8</b> pm');
    ctx.clock.advance(1000);
    await ctx.deps.workstations.send({ name: 'pc-free' }, 'restart');
    const [restart, message] = await ctx.deps.store.workstations.listCommands('pc-free');
    await ctx.deps.store.workstations.finishCommand('pc-free', restart!.id, { status: 'failed', at: ctx.clock.now(), reason: 'no-hook' });
    await ctx.deps.store.workstations.markDelivered('pc-free', [message!.id], ctx.clock.now());
    const res = await staff.get('/staff/workstations/pc-free');
    expect(res.status).toBe(200);
    expect(res.text).toContain('Low disk space');
    expect(res.text).toMatch(/Free on system disk<\/dt><dd>1.0 GB of 120 GB/);
    expect(res.text).toMatch(/status-failed">Failed<\/span>: not set up on this machine/);
    expect(res.text).toMatch(/Show a message: “Closing at &lt;b&gt;8&lt;\/b&gt; pm”<\/td>\s*<td><span class="status status-pending">Pending<\/span>, delivered 10:00/);
    expect(res.text).toMatch(/<h2 id="history">Recent health<\/h2>[\s\S]*<td>10:00<\/td>\s*<td>13 %<\/td>/);
  });

  it('when staff create an enrolment code, then it is shown once and enrols a workstation into that zone', async () => {
    const page = await staff.submit('/staff/workstations', '/staff/workstations/codes', { zone: 'lab', ttl: '30' });
    expect(page.status).toBe(200);
    const code = /<p class="code big enrol-code">([2-9A-Z-]+)<\/p>/.exec(page.text)?.[1];
    expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(page.text).toContain('It works once, until 10:30');
    const enrolled = await ctx.deps.workstations.enrol({ code: code!, name: 'lab-01' });
    expect(enrolled.zoneId).toBe('lab');
  });

  it('when the code form is wrong, then the same page comes back with each field\'s error and the input kept', async () => {
    const res = await staff.submit('/staff/workstations', '/staff/workstations/codes', { zone: 'attic', ttl: 'soon' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="code-zone-error">There is no zone &#34;attic&#34;/);
    expect(res.text).toMatch(/id="code-ttl-error">Give the minutes the code stays valid/);
    expect(res.text).toMatch(/<input id="code-ttl" name="ttl" value="soon" aria-describedby="code-ttl-error" aria-invalid="true"/);
    expect(res.text).not.toContain('enrol-code');
  });

  it('when staff send a command to a zone, then every workstation of that zone gets it and the page says how many', async () => {
    await fleet();
    const asked = await staff.submit('/staff/workstations', '/staff/workstations/commands', { zone: 'kiosks', kind: 'lock', message: '' });
    expect(asked.status).toBe(200);
    expect(await ctx.deps.store.workstations.listCommands('pc-free')).toEqual([]);
    const res = await staff.submit('/staff/workstations', '/staff/workstations/commands', { zone: 'kiosks', kind: 'lock', message: '', confirm: 'yes' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff/workstations?zone=kiosks&notice=sent&count=3');
    expect((await staff.get(res.headers.location!)).text).toContain('Command sent to 3 workstations.');
    for (const name of ['pc-free', 'pc-use', 'pc-locked']) {
      expect((await ctx.deps.store.workstations.listCommands(name)).map((c) => [c.kind, c.status])).toEqual([['lock', 'pending']]);
    }
    expect(await ctx.deps.store.workstations.listCommands('pc-broken')).toEqual([]);
  });

  it('when a command form is incomplete, then the page comes back with the errors and the choices kept', async () => {
    await fleet();
    const zone = await staff.submit('/staff/workstations', '/staff/workstations/commands', { zone: 'lab', kind: 'message', message: '' });
    expect(zone.status).toBe(400);
    expect(zone.text).toMatch(/id="cmd-message-error">Write the message to show/);
    expect(zone.text).toContain('<option value="message" selected>');
    const one = await staff.submit('/staff/workstations/pc-free', '/staff/workstations/pc-free/commands', { kind: 'format-disk', message: 'x' });
    expect(one.status).toBe(400);
    expect(one.text).toMatch(/id="cmd-kind-error">Choose a command./);
    expect(one.text).toContain('value="x"');
    expect(await ctx.deps.store.workstations.listCommands('pc-free')).toEqual([]);
  });

  it('when staff send a command to one workstation, then it shows as pending on its page', async () => {
    await fleet();
    const res = await staff.submit('/staff/workstations/pc-use', '/staff/workstations/pc-use/commands', { kind: 'end-session', message: '', confirm: 'yes' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/staff/workstations/pc-use?notice=sent');
    const page = await staff.get(res.headers.location!);
    expect(page.text).toMatch(/End the session \(log out and wipe\)<\/td>\s*<td><span class="status status-pending">Pending<\/span>, not delivered yet/);
  });

  it('when staff retire a workstation, then it must be confirmed, and afterwards it is gone from the fleet and its token refused', async () => {
    await fleet();
    const unconfirmed = await staff.submit('/staff/workstations/pc-off', '/staff/workstations/pc-off/retire', {});
    expect(unconfirmed.status).toBe(400);
    expect(unconfirmed.text).toContain('Tick the box to confirm that pc-off should be retired.');
    expect((await ctx.deps.store.workstations.get('pc-off'))?.retiredAt).toBeUndefined();
    const done = await staff.submit('/staff/workstations/pc-off', '/staff/workstations/pc-off/retire', { confirm: 'yes' });
    expect(done.status).toBe(303);
    const page = await staff.get(done.headers.location!);
    expect(page.text).toContain('Workstation pc-off retired');
    expect(page.text).not.toContain('>pc-off<');
    expect((await staff.get('/staff/workstations/pc-off')).status).toBe(404);
  });

  it('when a form comes without its CSRF token, then it is refused and nothing changes', async () => {
    await fleet();
    const res = await staff.post('/staff/workstations/pc-free/retire', { confirm: 'yes' });
    expect(res.status).toBe(403);
    expect((await ctx.deps.store.workstations.get('pc-free'))?.retiredAt).toBeUndefined();
  });

  it('when someone not signed in tries the fleet, then no fleet page or action is reached', async () => {
    await fleet();
    const stranger = new StaffBrowser(ctx.staffApp);
    const page = await stranger.get('/staff/workstations');
    expect([page.status, page.headers.location]).toEqual([303, '/staff/login?next=%2Fstaff%2Fworkstations']);
    expect(page.text).not.toContain('pc-free');
    expect((await stranger.get('/staff/workstations/pc-free')).status).toBe(303);
    expect((await request(ctx.staffApp).get('/staff/workstations').set('Accept', 'application/json')).status).toBe(401);
    const sent = await stranger.submit('/staff/login', '/staff/workstations/codes', { zone: 'lab', ttl: '5' });
    expect([401, 403]).toContain(sent.status);
    expect(sent.text).not.toContain('enrol-code');
  });

  it('when a workstation does not exist, then its page is a 404 that says so', async () => {
    const res = await staff.get('/staff/workstations/nope');
    expect(res.status).toBe(404);
    expect(res.text).toContain('There is no enrolled workstation named');
    expect((await staff.get('/staff/workstations/%7Bws%7D')).status).toBe(404);
  });
});
