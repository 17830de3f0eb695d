// Each key and backup claim of the privacy notice and of the "what this network keeps" lesson:
// stated in all four languages from the constants the code uses, and shown true by running it.
import ejs from 'ejs';
import { SUPPORTED, type Lang } from '../../src/i18n/languages';
import { formatDuration, translator } from '../../src/i18n/translate';
import { ADDRESS_EPOCH_MS, ADDRESS_FORGOTTEN_WITHIN_MS, DayKeyring, PSEUDONYM_KEY_DAYS, RESEAL_EVERY_MS } from '../../src/privacy/day-keys';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';

/** What the notice and lesson must say, in a language, worded as the pages word it. */
function stated(lang: Lang) {
  const t = translator(lang);
  const esc = (s: string) => ejs.escapeXML(s);
  return {
    addressKey: esc(formatDuration(t, ADDRESS_EPOCH_MS / 1000)),
    forgotten: esc(formatDuration(t, ADDRESS_FORGOTTEN_WITHIN_MS / 1000)),
    keyDays: esc(t('count.days', { n: PSEUDONYM_KEY_DAYS })),
    backups: esc(t('privacy.backups')),
  };
}

const onDisk = (ctx: TestContext) => new DayKeyring(ctx.deps.keys.file.replace(/\/keys\.json$/, ''), ctx.clock, 'UTC', ctx.deps.random);

describe('privacy claims about keys and backups', () => {
  let ctx: TestContext;
  afterEach(() => ctx.close());

  it.each(SUPPORTED)('when the notice and the lesson are read in %s, then they state the address epoch, the forgetting time, the key life and the backups rule', async (lang) => {
    ctx = await makeTestApp();
    const p = new Patron(ctx.app, '10.0.5.1');
    const notice = (await p.page(`/privacy?lang=${lang}`)).text;
    const lesson = (await p.page(`/learn/this-network?lang=${lang}`)).text;
    const s = stated(lang);
    for (const [claim, text] of Object.entries(s)) expect([claim, notice.includes(text)]).toEqual([claim, true]);
    for (const claim of ['addressKey', 'forgotten', 'keyDays'] as const) expect([claim, lesson.includes(s[claim])]).toEqual([claim, true]);
    expect(notice).not.toMatch(/\{\w+\}/);
    expect(lesson).not.toContain('{{');
  });

  it('when the notice says the address key is replaced every epoch, then a live session is under a new key one epoch later', async () => {
    ctx = await makeTestApp();
    await new Patron(ctx.app, '10.0.5.2', '02:00:00:00:05:02').accept();
    const [before] = await ctx.deps.store.listSessions();
    ctx.clock.advance(ADDRESS_EPOCH_MS);
    await ctx.deps.sessions.reseal();
    const [after] = await ctx.deps.store.listSessions();
    expect(ctx.deps.keys.epochOf(after!.day, after!.sealedAddress)).not.toBe(ctx.deps.keys.epochOf(before!.day, before!.sealedAddress));
  });

  it('when the notice says no key opens an ended session after the stated time, then with the job running as the server runs it, none does', async () => {
    ctx = await makeTestApp();
    const p = new Patron(ctx.app, '10.0.5.3', '02:00:00:00:05:03');
    const other = new Patron(ctx.app, '10.0.5.4', '02:00:00:00:05:04');
    await other.accept();
    // The worst case: a session that ends just as an epoch begins, re-sealed a moment before.
    ctx.clock.set(Math.ceil(ctx.clock.now() / ADDRESS_EPOCH_MS) * ADDRESS_EPOCH_MS + 1);
    await p.accept();
    const seen = (await ctx.deps.store.listSessions()).map((s) => s.sealedAddress);
    await p.submit('/status', '/logout');
    for (let waited = 0; waited < ADDRESS_FORGOTTEN_WITHIN_MS; waited += RESEAL_EVERY_MS) {
      ctx.clock.advance(RESEAL_EVERY_MS);
      await ctx.deps.sessions.reseal();
    }
    const keys = onDisk(ctx);
    const opened = seen.map((s) => keys.open<{ ip: string }>('', s)?.ip);
    expect(opened.filter((ip) => ip === '10.0.5.3')).toEqual([]);
  });

  it('when the notice says a day key lives one day and the counts go with the last session, then after midnight the key is gone and, once that session ends, the counts too', async () => {
    ctx = await makeTestApp({ now: '2026-11-18T23:40:00Z' });
    const p = new Patron(ctx.app, '10.0.5.5', '02:00:00:00:05:05');
    await p.accept();
    const [s] = await ctx.deps.store.listSessions();
    ctx.clock.set(Date.parse('2026-11-19T00:00:00Z') + RESEAL_EVERY_MS);
    await ctx.deps.sessions.pruneKeys();
    expect(onDisk(ctx).days()).not.toContain('2026-11-18');
    expect(await ctx.deps.store.getUsage('2026-11-18', s!.pseudonym)).toBeGreaterThan(0);
    await p.submit('/status', '/logout');
    await ctx.deps.sessions.pruneKeys();
    expect(await ctx.deps.store.getUsage('2026-11-18', s!.pseudonym)).toBe(0);
  });
});
