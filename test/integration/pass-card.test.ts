// Printed passes tell the truth: the minutes a patron will get, the Wi-Fi network to join, how to
// use the pass in every language, and the codes as CSV for libraries that print elsewhere.
import ejs from 'ejs';
import { SUPPORTED } from '../../src/i18n/languages';
import { translator } from '../../src/i18n/translate';
import { makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';

const zones = (sessionMinutes: number) => ({ zones: [{ id: 'study', name: 'Study room', subnets: ['0.0.0.0/0'], policy: { accessMode: 'pass', sessionMinutes, dailyMinutes: 180 } }] });

async function sheet(ctx: StaffContext, minutes: string) {
  const staff = await signedIn(ctx, 'sam', 'staff');
  const res = await staff.submit('/staff/passes', '/staff/passes', { count: '3', minutes, validUntil: '2026-11-25' });
  const codes = [...res.text.matchAll(/<p class="pass-code">([A-Z0-9-]+)<\/p>/g)].map((m) => m[1]!);
  return { staff, res, codes };
}

describe('what a printed pass says', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when passes are longer than the zone gives a session, then the sheet warns and the cards say the minutes the patron really gets', async () => {
    ctx = await makeStaffApp({ config: zones(45) });
    const { staff, res, codes } = await sheet(ctx, '60');
    expect(res.text).toContain('each pass gives 45 minutes, not 60');
    expect(res.text.match(/<p class="pass-terms">45 minutes · works once · until 2026-11-25<\/p>/g)).toHaveLength(3);
    expect((await staff.get('/staff/passes')).text).toContain('give at most 45 minutes a session');
    // And that is what a patron gets.
    const patron = new Patron(ctx.app, '10.80.0.1');
    expect((await patron.submit('/', '/redeem', { code: codes[0]! })).status).toBe(303);
    expect(ctx.deps.sessions.secondsLeft(ctx.deps.sessions.lookup('10.80.0.1')!)).toBe(45 * 60);
  });

  it('when passes fit in a session, then the cards say their own minutes and no warning is shown', async () => {
    ctx = await makeStaffApp({ config: zones(90) });
    const { res } = await sheet(ctx, '60');
    expect(res.text).not.toContain('each pass gives');
    expect(res.text).toContain('<p class="pass-terms">60 minutes · works once · until 2026-11-25</p>');
  });

  it('when the Wi-Fi name is configured, then every card says how to use it in every language, Arabic right to left', async () => {
    ctx = await makeStaffApp({ config: { ...zones(60), wifiName: 'Library-Free' } });
    const { res } = await sheet(ctx, '60');
    for (const lang of SUPPORTED) {
      const text = ejs.escapeXML(translator(lang)('passCard.how', { network: 'Library-Free' }));
      expect([lang, res.text.split(`lang="${lang}" dir="${lang === 'ar' ? 'rtl' : 'ltr'}">${text}</p>`).length - 1]).toEqual([lang, 3]);
    }
  });

  it('when no Wi-Fi name is configured, then the cards say to join the library\'s Wi-Fi', async () => {
    ctx = await makeStaffApp({ config: zones(60) });
    const { res } = await sheet(ctx, '60');
    expect(res.text).toContain(ejs.escapeXML(translator('en')('passCard.howNoNetwork')));
  });

  it('when the sheet is shown, then a CSV of exactly its codes can be downloaded from the page itself', async () => {
    ctx = await makeStaffApp({ config: zones(45) });
    const { res, codes } = await sheet(ctx, '60');
    const href = /<a href="data:text\/csv;charset=utf-8,([^"]+)" download="passes-2026-11-25.csv">/.exec(res.text)?.[1];
    expect(decodeURIComponent(href!)).toBe(['code,minutes,valid_until', ...codes.map((c) => `${c},45,2026-11-25`)].join('\r\n') + '\r\n');
  });
});
