// Commands that end a patron's work or reach a whole zone are confirmed on a page of their own
// first; the PC forms default to the kiosk zone.
import type { WorkstationRecord } from '../../src/store/types';
import { makeStaffApp, signedIn, type StaffBrowser, type StaffContext } from '../helpers/staff';
import { makeReport, makeWorkstation } from '../helpers/workstations';

const CONFIG = {
  zones: [
    { id: 'wifi', name: 'Wi-Fi', subnets: ['10.1.0.0/16'] },
    { id: 'pcs', name: 'Public PCs', subnets: ['10.20.0.0/16'], kind: 'kiosk' },
  ],
};

describe('confirming fleet commands', () => {
  let ctx: StaffContext;
  let staff: StaffBrowser;
  beforeEach(async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    staff = await signedIn(ctx, 'maria', 'staff');
    const now = ctx.clock.now();
    const add = async (name: string, over: Partial<WorkstationRecord> = {}) => {
      await ctx.deps.store.workstations.add(makeWorkstation({ name, zoneId: 'pcs', enrolledAt: now - 60_000, ...over }));
      await ctx.deps.store.workstations.recordHealth(name, [{ receivedAt: now, report: { ...makeReport(), at: now } }], now);
    };
    await add('pc-1');
    await add('pc-2');
    await ctx.deps.store.workstations.update('pc-2', { inUse: true });
  });
  afterEach(() => ctx.close());

  const pending = async (name: string) => (await ctx.deps.store.workstations.listCommands(name)).map((c) => c.kind);

  it('when staff restart a whole zone, then a page asks first, saying how many PCs and that patrons lose unsaved work; Cancel leads back', async () => {
    const res = await staff.submit('/staff/workstations', '/staff/workstations/commands', { zone: 'pcs', kind: 'restart', message: '' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('<h1>Restart: every workstation in Public PCs (2 workstations)?</h1>');
    expect(res.text).toContain('1 of them is in use: its patron loses what they have not saved.');
    expect(res.text).toContain('>Yes, send to 2 workstations</button>');
    expect(res.text).toContain('<a href="/staff/workstations?zone=pcs">Cancel</a>');
    expect([await pending('pc-1'), await pending('pc-2')]).toEqual([[], []]);
    const sent = await staff.submit('/staff/workstations', '/staff/workstations/commands', { zone: 'pcs', kind: 'restart', message: '', confirm: 'yes' });
    expect(sent.headers.location).toBe('/staff/workstations?zone=pcs&notice=sent&count=2');
    expect([await pending('pc-1'), await pending('pc-2')]).toEqual([['restart'], ['restart']]);
  });

  it('when the confirmation page\'s own form is sent, then the command goes out once', async () => {
    const page = await staff.submit('/staff/workstations', '/staff/workstations/commands', { zone: 'pcs', kind: 'message', message: 'Closing in 10 minutes' });
    // The confirmation form is in the page's main part (the header has the sign-out and language forms).
    const fields = Object.fromEntries([...page.text.slice(page.text.indexOf("<main")).matchAll(/<input type="hidden" name="(\w+)" value="([^"]*)">/g)].map((m) => [m[1]!, m[2]!]));
    expect(fields).toMatchObject({ zone: 'pcs', kind: 'message', message: 'Closing in 10 minutes', confirm: 'yes' });
    const sent = await staff.submit('/staff/workstations', '/staff/workstations/commands', fields);
    expect(sent.status).toBe(303);
    expect(await pending('pc-1')).toEqual(['message']);
  });

  it('when staff end the session on one PC, then it is confirmed first; a message to one PC is not', async () => {
    const asked = await staff.submit('/staff/workstations/pc-2', '/staff/workstations/pc-2/commands', { kind: 'end-session', message: '' });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('<h1>End the session (log out and wipe): pc-2?</h1>');
    expect(asked.text).toContain('It is in use: its patron loses what they have not saved.');
    expect(await pending('pc-2')).toEqual([]);
    const msg = await staff.submit('/staff/workstations/pc-2', '/staff/workstations/pc-2/commands', { kind: 'message', message: 'Hello' });
    expect(msg.status).toBe(303);
    expect(await pending('pc-2')).toEqual(['message']);
  });

  it('when a zone command has a mistake, then the form shows it instead of asking to confirm', async () => {
    const res = await staff.submit('/staff/workstations', '/staff/workstations/commands', { zone: 'pcs', kind: 'message', message: '' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="cmd-message-error">Write the message to show/);
  });

  it('when the fleet page opens, then the command and enrolment forms default to the kiosk zone', async () => {
    const page = await staff.get('/staff/workstations');
    expect(page.text.match(/<option value="pcs" selected>/g)).toHaveLength(2);
  });
});
