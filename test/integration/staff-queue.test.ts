// The staff queue page: each kiosk zone's holds, waiting tickets and bookings; call, skip, cancel,
// send to a PC, print a ticket, book a PC for later today; every action audited without a ticket
// number, and every bad input answered with a message a person can act on.
import { makeReport, makeWorkstation } from '../helpers/workstations';
import { auditInEnglish, makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import type { StaffBrowser } from '../helpers/staff';

const KIOSK_ZONES = {
  zones: [
    { id: 'kiosks', name: 'Basement PCs', kind: 'kiosk', subnets: ['10.20.0.0/16'], policy: { sessionMinutes: 30, warningMinutes: 5, openingHours: { wed: [{ open: '09:00', close: '18:00' }] } } },
    { id: 'wifi', name: 'Wi-Fi', subnets: ['0.0.0.0/0'] },
  ],
};

describe('the staff queue page', () => {
  let ctx: StaffContext;
  let staff: StaffBrowser;
  beforeEach(async () => {
    ctx = await makeStaffApp({ config: KIOSK_ZONES });
    // Two PCs whose agents have not asked lately (nothing is held by itself), and one running a session.
    for (const name of ['pc-1', 'pc-2']) await ctx.deps.store.workstations.add(makeWorkstation({ name, zoneId: 'kiosks' }));
    await ctx.deps.store.workstations.add(makeWorkstation({ name: 'pc-3', zoneId: 'kiosks', inUse: true }));
    await ctx.deps.store.workstations.recordHealth('pc-3', [{ receivedAt: ctx.clock.now(), report: makeReport() }], ctx.clock.now());
    for (let i = 0; i < 3; i++) await ctx.deps.queue.take('kiosks');
    staff = await signedIn(ctx, 'sam', 'staff');
  });
  afterEach(() => ctx.close());

  const audit = async () => (await ctx.deps.staff.audit.list(50)).filter((e) => e.action.startsWith('queue.'));

  test('when staff open the queue, then they see the waiting tickets and the menu links to it', async () => {
    const page = await staff.get('/staff/queue');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<a href="/staff/queue" aria-current="page">Queue</a>');
    for (const label of ['B-1', 'B-2', 'B-3']) expect(page.text).toContain(`<td><bdi>${label}</bdi></td>`);
    expect(page.text).toContain('No PC is held.');
  });

  test('when staff call, skip, send and cancel, then the queue changes and the audit log names the zone and PC, never a ticket', async () => {
    expect((await staff.submit('/staff/queue', '/staff/queue/kiosks/call', { pc: 'pc-1' })).headers.location).toBe('/staff/queue?done=called');
    expect((await ctx.deps.queue.board('kiosks')).held.map((h) => [h.label, h.pc])).toEqual([['B-1', 'pc-1']]);
    expect((await staff.submit('/staff/queue', '/staff/queue/kiosks/skip', { ticket: '2' })).headers.location).toBe('/staff/queue?done=skipped');
    expect((await ctx.deps.queue.board('kiosks')).waiting.map((w) => w.label)).toEqual(['B-3', 'B-2']);
    expect((await staff.submit('/staff/queue', '/staff/queue/kiosks/move', { ticket: 'B-2', pc: 'pc-2' })).headers.location).toBe('/staff/queue?done=moved');
    expect((await staff.submit('/staff/queue', '/staff/queue/kiosks/cancel', { ticket: '3' })).headers.location).toBe('/staff/queue?done=cancelled');
    expect((await staff.submit('/staff/queue', '/staff/queue/kiosks/cancel', { ticket: '3' })).headers.location).toBe('/staff/queue?done=gone');
    const board = await ctx.deps.queue.board('kiosks');
    expect(board.held.map((h) => [h.label, h.pc])).toEqual([['B-1', 'pc-1'], ['B-2', 'pc-2']]);
    expect(board.waiting).toEqual([]);
    const entries = await audit();
    expect(entries.map((e) => [e.actor, e.action, e.target, auditInEnglish(e.detail)]).reverse()).toEqual([
      ['sam', 'queue.call', 'kiosks', 'called the next ticket to pc-1'],
      ['sam', 'queue.skip', 'kiosks', 'skipped a ticket'],
      ['sam', 'queue.move', 'kiosks', 'sent a ticket to pc-2'],
      ['sam', 'queue.cancel', 'kiosks', 'cancelled a ticket'],
    ]);
    expect(JSON.stringify(entries)).not.toMatch(/B-\d/);
  });

  test('when staff print a ticket, then its number and claim code are shown once, and its holder can follow it', async () => {
    const page = await staff.submit('/staff/queue', '/staff/queue/kiosks/print');
    expect(page.status).toBe(200);
    expect(page.text).toContain('<p class="pass-code"><bdi>B-4</bdi></p>');
    expect(page.text).toMatch(/Claim code: <span class="code" dir="ltr">[2-9A-Z]{3} [2-9A-Z]{3}<\/span>/);
    expect(page.text).toContain('lang="ar" dir="rtl"');
    expect((await audit()).map((e) => auditInEnglish(e.detail))).toEqual(['printed a ticket']);
  });

  test('when staff book a PC, then a bad time, a past time, an unknown PC, a closed hour and a clash are refused with what to do', async () => {
    const book = (time: string, pc = '') => staff.submit('/staff/queue', '/staff/queue/kiosks/book', { time, pc });
    const refused = async (time: string, pc: string, message: string) => {
      const res = await book(time, pc);
      expect(res.status).toBe(400);
      expect(res.text).toContain(message);
      expect(res.text).toContain(`value="${time}"`);
    };
    await refused('half past two', '', 'Enter the time as HH:MM');
    await refused('09:30', '', 'That time has passed');
    await refused('14:30', 'pc-9', 'There is no such PC in this zone');
    await refused('19:00', '', 'The zone is closed then');
    const ok = await book('14:30', 'pc-1');
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('Booking B-4 for Basement PCs');
    await refused('14:45', 'pc-1', 'booked within a session of that time');
    expect((await book('14:45', 'pc-2')).status).toBe(200);
    expect((await ctx.deps.queue.board('kiosks')).booked.map((b) => [b.label, b.pc])).toEqual([['B-4', 'pc-1'], ['B-5', 'pc-2']]);
    expect((await audit()).map((e) => auditInEnglish(e.detail)).reverse()).toEqual(['booked pc-1 for 14:30', 'booked pc-2 for 14:45']);
  });

  test('when tickets were served today, then the page gives today\'s counts and the median wait from the hourly totals, withholding hours of fewer than k', async () => {
    expect((await staff.get('/staff/queue')).text).toContain('Today: tickets issued 0, served 0, given up 0. Hours with fewer than 5 tickets are left out.');
    // Five more tickets, all served at pc-1 after 7 minutes.
    const more = [];
    for (let i = 0; i < 5; i++) more.push(await ctx.deps.queue.take('kiosks'));
    ctx.clock.advance(7 * 60_000);
    for (const n of [1, 2, 3]) await ctx.deps.queue.cancel('kiosks', n);
    for (const t of more) {
      if (!t.ok) throw new Error('refused');
      await ctx.deps.queue.moveTo('kiosks', Number(t.label.slice(2)), 'pc-1');
      expect((await ctx.deps.queue.claim('kiosks', 'pc-1', t.claimCode)).ok).toBe(true);
    }
    expect((await staff.get('/staff/queue')).text).toContain('Today: tickets issued 8, served 5, given up 0. Median wait: 5–15 min.');
  });

  test('when a zone is not a kiosk zone, or a form is tampered with, then the answer is a 4xx with a message', async () => {
    const wifi = await staff.submit('/staff/queue', '/staff/queue/wifi/call', { pc: 'pc-1' });
    expect(wifi.status).toBe(404);
    expect(wifi.text).toContain('No kiosk zone of that name has a queue');
    const badPc = await staff.submit('/staff/queue', '/staff/queue/kiosks/call', { pc: 'elsewhere' });
    expect(badPc.status).toBe(400);
    expect(badPc.text).toContain('Choose a PC of this zone');
    const busy = await staff.submit('/staff/queue', '/staff/queue/kiosks/move', { ticket: '1', pc: 'pc-3' });
    expect(busy.status).toBe(409);
    expect(busy.text).toContain('A session is running on pc-3: choose a free PC.');
    const extra = await staff.submit('/staff/queue', '/staff/queue/kiosks/skip', { ticket: '1', other: 'x' });
    expect(extra.status).toBe(400);
    expect((await staff.post('/staff/queue/kiosks/skip', { ticket: '1' })).status).toBe(403);
  });
});
