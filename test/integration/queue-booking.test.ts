// A patron books a PC for later today from the queue page: only times later today within opening
// hours are offered and taken; a clash or a made-up time is refused with what to do; the booking's
// page says when it starts, and at its time a free PC is held for it.
import { extendWhileNoOneWaits } from '../../src/queue/auto-extend';
import { makeReport, makeWorkstation } from '../helpers/workstations';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';

const CONFIG = {
  zones: [
    { id: 'kiosks', name: 'Basement PCs', kind: 'kiosk', subnets: ['10.20.0.0/16'], policy: { holdMinutes: 5, autoExtend: true, openingHours: { wed: [{ open: '09:00', close: '17:00' }] } } },
    { id: 'wifi', name: 'Wi-Fi', subnets: ['10.91.0.0/16'] },
  ],
};

describe('booking a PC for later today', () => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await makeTestApp({ config: CONFIG });
    await ctx.deps.store.workstations.add(makeWorkstation({ name: 'pc-1', zoneId: 'kiosks', inUse: true }));
  });
  afterEach(() => ctx.close());

  test('when the page is opened at 10:00, then it offers the quarter hours from 10:15 to 16:45 and the PCs', async () => {
    const page = await new Patron(ctx.app, '10.91.1.1').page('/queue/kiosks');
    const times = [...page.text.matchAll(/<option(?: selected)?>(\d\d:\d\d)<\/option>/g)].map((m) => m[1]);
    expect(times[0]).toBe('10:15');
    expect(times[times.length - 1]).toBe('16:45');
    expect(times).toHaveLength(27);
    expect(page.text).toContain('<option value="">Any free computer</option><option>pc-1</option>');
  });

  test('when a patron books 14:30 on pc-1, then the booking page says so; a second booking near it, or a time not offered, is refused', async () => {
    const phone = new Patron(ctx.app, '10.91.1.2');
    const booked = await phone.submit('/queue/kiosks', '/queue/kiosks/book', { time: '14:30', pc: 'pc-1' });
    expect(booked.status).toBe(303);
    const ticket = await phone.get(String(booked.headers.location));
    expect(ticket.text).toContain('Your booking starts today at 14:30. A computer is held for you then for 5 minutes.');
    const clash = await new Patron(ctx.app, '10.91.1.3').submit('/queue/kiosks', '/queue/kiosks/book', { time: '14:45', pc: 'pc-1' });
    expect(clash.status).toBe(400);
    expect(clash.text).toContain('That computer is already booked near that time.');
    const late = await new Patron(ctx.app, '10.91.1.4').submit('/queue/kiosks', '/queue/kiosks/book', { time: '18:00', pc: '' });
    expect(late.status).toBe(400);
    expect(late.text).toContain('That time cannot be booked');
    const typo = await new Patron(ctx.app, '10.91.1.4').submit('/queue/kiosks', '/queue/kiosks/book', { time: 'soon!!', pc: '' });
    expect(typo.status).toBe(400);
  });

  test('when the booked time comes and pc-1 is free, then pc-1 is held for the booking', async () => {
    const phone = new Patron(ctx.app, '10.91.1.5');
    const booked = await phone.submit('/queue/kiosks', '/queue/kiosks/book', { time: '10:30', pc: '' });
    expect(booked.status).toBe(303);
    await ctx.deps.store.workstations.update('pc-1', { inUse: false });
    await ctx.deps.store.workstations.recordHealth('pc-1', [{ receivedAt: ctx.clock.now(), report: makeReport() }], ctx.clock.now());
    expect(await ctx.deps.queue.holdAt('kiosks', 'pc-1')).toBeUndefined();
    ctx.clock.advance(30 * 60_000);
    await ctx.deps.store.workstations.recordHealth('pc-1', [{ receivedAt: ctx.clock.now(), report: makeReport() }], ctx.clock.now());
    expect(await ctx.deps.queue.holdAt('kiosks', 'pc-1')).toMatchObject({ label: 'B-1' });
    expect((await phone.get(String(booked.headers.location))).text).toContain('Go to computer pc-1 now.');
  });

  test('when pc-1 is booked for 10:30, then a session started on it at 10:00 ends at 10:30, and is not extended into the booking', async () => {
    expect((await new Patron(ctx.app, '10.91.1.6').submit('/queue/kiosks', '/queue/kiosks/book', { time: '10:30', pc: 'pc-1' })).status).toBe(303);
    // The portal knows pc-1 by the address its agent asks from (memory only).
    ctx.deps.pcs.note({ name: 'pc-1', zoneId: 'kiosks' }, '10.20.0.5');
    expect((await new Patron(ctx.app, '10.20.0.5').accept()).status).toBe(303);
    const endsAt = ctx.clock.now() + 30 * 60_000;
    expect(ctx.deps.sessions.lookup('10.20.0.5')!.record.endsAt).toBe(endsAt);
    ctx.clock.advance(25 * 60_000);
    expect(await extendWhileNoOneWaits(ctx.deps, '10.20.0.5')).toBe(false);
    expect(ctx.deps.sessions.lookup('10.20.0.5')!.record.endsAt).toBe(endsAt);
  });
});
