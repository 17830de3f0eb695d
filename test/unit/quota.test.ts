// Quota rules with an injected clock: session length, allowance, closing time, midnight.
import { policySchema } from '../../src/config/schema';
import { openStatus } from '../../src/domain/opening-hours';
import { couldExtend, planExtend, planGrant, planStaffExtend, shortenedEnd } from '../../src/domain/quota';

const TZ = 'Europe/Paris';
const at = (iso: string) => Date.parse(iso);
const weekdays = { open: '09:00', close: '20:00' };
const policy = policySchema.parse({
  sessionMinutes: 60,
  dailyMinutes: 90,
  openingHours: { mon: [weekdays], tue: [weekdays], wed: [weekdays], thu: [weekdays], fri: [weekdays], sat: [{ open: '10:00', close: '17:00' }] },
});

describe('planGrant', () => {
  it('when the library is open and nothing is used, then a full session is granted', () => {
    const now = at('2026-11-18T10:00:00+01:00');
    const plan = planGrant({ policy, now, usedSeconds: 0, open: openStatus(policy, now, TZ) });
    expect(plan).toEqual({ ok: true, seconds: 3600, endsAt: now + 3600_000 });
  });

  it('when 20 minutes are left before closing, then the session ends at closing time', () => {
    const now = at('2026-11-18T19:40:00+01:00');
    const plan = planGrant({ policy, now, usedSeconds: 0, open: openStatus(policy, now, TZ) });
    expect(plan).toEqual({ ok: true, seconds: 1200, endsAt: at('2026-11-18T20:00:00+01:00') });
  });

  it('when the library is closed, then the grant is refused as closed', () => {
    const now = at('2026-11-22T12:00:00+01:00'); // a Sunday
    expect(planGrant({ policy, now, usedSeconds: 0, open: openStatus(policy, now, TZ) })).toEqual({ ok: false, reason: 'closed' });
  });

  it('when less than a minute is left before closing, then the grant is refused as closed', () => {
    const now = at('2026-11-18T19:59:30+01:00');
    expect(planGrant({ policy, now, usedSeconds: 0, open: openStatus(policy, now, TZ) })).toEqual({ ok: false, reason: 'closed' });
  });

  it('when the daily allowance is used up, then the grant is refused', () => {
    const now = at('2026-11-18T12:00:00+01:00');
    expect(planGrant({ policy, now, usedSeconds: 90 * 60, open: openStatus(policy, now, TZ) })).toEqual({ ok: false, reason: 'allowance-exhausted' });
  });

  it('when 30 minutes of allowance are left, then the session lasts 30 minutes', () => {
    const now = at('2026-11-18T12:00:00+01:00');
    const plan = planGrant({ policy, now, usedSeconds: 60 * 60, open: openStatus(policy, now, TZ) });
    expect(plan).toMatchObject({ ok: true, seconds: 1800 });
  });

  it('when a library is always open, then a session granted at 23:50 runs past midnight', () => {
    const always = policySchema.parse({ sessionMinutes: 60 });
    const now = at('2026-11-18T23:50:00+01:00');
    const plan = planGrant({ policy: always, now, usedSeconds: 0, open: openStatus(always, now, TZ) });
    expect(plan).toEqual({ ok: true, seconds: 3600, endsAt: at('2026-11-19T00:50:00+01:00') });
  });

  it('when today is a dated closure, then the grant is refused with the reason', () => {
    const closed = policySchema.parse({ closures: [{ date: '2026-11-18', reason: 'Staff training day' }] });
    const now = at('2026-11-18T12:00:00+01:00');
    const open = openStatus(closed, now, TZ);
    expect(open.closureReason).toBe('Staff training day');
    expect(planGrant({ policy: closed, now, usedSeconds: 0, open })).toEqual({ ok: false, reason: 'closed' });
  });
});

describe('openStatus', () => {
  it('when open until 24:00 and open again from 00:00, then closing time is the next day', () => {
    const p = policySchema.parse({ openingHours: { wed: [{ open: '18:00', close: '24:00' }], thu: [{ open: '00:00', close: '02:00' }] } });
    const s = openStatus(p, at('2026-11-18T23:00:00+01:00'), TZ);
    expect(s.open).toBe(true);
    expect(s.closesAt).toBe(at('2026-11-19T02:00:00+01:00'));
  });

  it('when closed on a Sunday, then the next opening is Monday morning', () => {
    const s = openStatus(policy, at('2026-11-22T12:00:00+01:00'), TZ);
    expect(s.open).toBe(false);
    expect(s.todayHours).toEqual([]);
    expect(s.nextOpenAt).toBe(at('2026-11-23T09:00:00+01:00'));
  });

  it('when the clocks go back (DST ends), then closing time is still 20:00 local', () => {
    const s = openStatus(policy, at('2026-10-26T10:00:00+01:00'), TZ);
    expect(s.closesAt).toBe(at('2026-10-26T20:00:00+01:00'));
  });
});

describe('planExtend', () => {
  const now = at('2026-11-18T12:00:00+01:00');
  const open = openStatus(policy, now, TZ);

  it('when 5 minutes are left and allowance remains, then the session is topped up to a full session', () => {
    const plan = planExtend({ policy, now, usedSeconds: 60 * 60, open, endsAt: now + 5 * 60_000 });
    // allowance 90 - 60 used = 30 minutes more at most
    expect(plan).toEqual({ ok: true, addedSeconds: 1800, endsAt: now + 35 * 60_000 });
  });

  it('when the session is already a full session long, then there is nothing to add', () => {
    expect(planExtend({ policy, now, usedSeconds: 0, open, endsAt: now + 60 * 60_000 })).toEqual({ ok: false, reason: 'already-full' });
  });

  it('when the policy forbids extending, then it is refused', () => {
    const p = { ...policy, allowExtend: false };
    expect(planExtend({ policy: p, now, usedSeconds: 0, open, endsAt: now + 60_000 })).toEqual({ ok: false, reason: 'not-allowed' });
  });

  it('when the allowance is used up, then it is refused', () => {
    expect(planExtend({ policy, now, usedSeconds: 90 * 60, open, endsAt: now + 60_000 })).toEqual({ ok: false, reason: 'allowance-exhausted' });
  });
});

describe('shortenedEnd (a policy change while sessions run)', () => {
  const now = at('2026-11-18T12:00:00+01:00');
  const session = { startedAt: now - 10 * 60_000, endsAt: now + 50 * 60_000 };

  it('when the session length drops to 30 minutes, then a running session ends 30 minutes after it began', () => {
    const p = { ...policy, sessionMinutes: 30 };
    expect(shortenedEnd(session, p, openStatus(p, now, TZ), now)).toBe(now + 20 * 60_000);
  });

  it('when the session length grows, then a running session is not lengthened', () => {
    const p = { ...policy, sessionMinutes: 120 };
    expect(shortenedEnd(session, p, openStatus(p, now, TZ), now)).toBe(session.endsAt);
  });

  it('when the new hours close the library now, then the session ends now', () => {
    const p = policySchema.parse({ openingHours: { mon: [weekdays] } });
    expect(shortenedEnd(session, p, openStatus(p, now, TZ), now)).toBe(now);
  });
});

describe('couldExtend (RFC 8908 can-extend-session, from memory)', () => {
  it('when a full session is left, then extending could add nothing', () => {
    expect(couldExtend({ allowExtend: true, extendPasses: false, sessionMinutes: 60 }, 3600)).toBe(false);
  });
  it('when a minute or more is missing from a full session, then it could', () => {
    expect(couldExtend({ allowExtend: true, extendPasses: false, sessionMinutes: 60 }, 3540)).toBe(true);
  });
  it('when the policy forbids extending, then never', () => {
    expect(couldExtend({ allowExtend: false, extendPasses: false, sessionMinutes: 60 }, 60)).toBe(false);
  });
  it('when a pass started the session, then only a policy that lets passes be extended says it could', () => {
    expect(couldExtend({ allowExtend: true, extendPasses: false, sessionMinutes: 60 }, 60, 'pass')).toBe(false);
    expect(couldExtend({ allowExtend: true, extendPasses: true, sessionMinutes: 60 }, 60, 'pass')).toBe(true);
    expect(couldExtend({ allowExtend: true, extendPasses: false, sessionMinutes: 60 }, 60, 'click-through')).toBe(true);
  });
});

describe('planStaffExtend', () => {
  it('when staff add minutes well before closing, then they are added in full, even past one session length', () => {
    const now = at('2026-11-18T10:00:00+01:00');
    const endsAt = now + 50 * 60_000;
    expect(planStaffExtend(endsAt, 60 * 60, openStatus(policy, now, TZ))).toEqual({ ok: true, endsAt: endsAt + 3600_000 });
  });
  it('when closing time comes first, then the session ends at closing, and at closing it cannot be extended', () => {
    const now = at('2026-11-18T19:00:00+01:00');
    const open = openStatus(policy, now, TZ);
    expect(planStaffExtend(at('2026-11-18T19:50:00+01:00'), 30 * 60, open)).toEqual({ ok: true, endsAt: at('2026-11-18T20:00:00+01:00') });
    expect(planStaffExtend(at('2026-11-18T20:00:00+01:00'), 30 * 60, open)).toEqual({ ok: false, reason: 'closed' });
  });
});
