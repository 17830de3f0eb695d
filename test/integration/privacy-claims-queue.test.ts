// Each claim the privacy notice and the "what this network keeps" lesson make about the kiosk
// queue: stated in all four languages from the running settings, and true of what the code does.
import Database from 'better-sqlite3';
import path from 'node:path';
import request from 'supertest';
import { nextMidnight } from '../../src/domain/local-time';
import { SUPPORTED, type Lang } from '../../src/i18n/languages';
import { formatDuration, translator } from '../../src/i18n/translate';
import { claimHash, keyHash } from '../../src/queue/ticket-codes';
import { findLeaks } from '../helpers/leak-search';
import { makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';

const K = 5;
const HOLD = 7;
const CONFIG = {
  minCellSessions: K,
  zones: [
    { id: 'kiosks', name: 'Basement PCs', kind: 'kiosk', subnets: ['10.20.0.0/16'], policy: { holdMinutes: HOLD } },
    { id: 'wifi', name: 'Wi-Fi', subnets: ['10.91.0.0/16'] },
  ],
};
const MIN = 60_000;
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');
const flat = (html: string) => html.replace(/<[^>]+>/g, '').replace(/\s+/g, ' ');
/** The fields a stored ticket may have: nothing else is ever written. */
const TICKET_FIELDS = ['number', 'keyHash', 'claimHash', 'issuedAt', 'slotAt', 'pc', 'hold', 'order'];

async function read(ctx: StaffContext, url: string, lang: Lang): Promise<string> {
  const res = await request(ctx.app).get(url).set('X-Test-Client', '10.91.9.9').set('Accept', 'text/html').set('Accept-Language', lang);
  expect(res.status).toBe(200);
  return res.text;
}

/** A phone on the Wi-Fi takes a ticket through the page; its link's key and its claim code. */
async function takeByPhone(ctx: StaffContext, ip: string): Promise<{ key: string; code: string }> {
  const phone = new Patron(ctx.app, ip);
  const res = await phone.submit('/queue/kiosks', '/queue/kiosks/take');
  const key = /\/t\/([\w-]{22})$/.exec(String(res.headers.location))![1]!;
  const code = /class="code">([^<]+)</.exec((await phone.get(`/queue/kiosks/t/${key}`)).text)![1]!.replace(' ', '');
  return { key, code };
}

describe('privacy claims about the kiosk queue', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when the notice and the lesson are read in each language, then they state what a ticket keeps, the running hold time and k', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    for (const lang of SUPPORTED) {
      const t = translator(lang);
      const hold = formatDuration(t, HOLD * 60);
      const notice = await read(ctx, '/privacy', lang);
      expect(notice).toContain(escapeHtml(t('privacy.queue')));
      expect(notice).toContain(escapeHtml(t('privacy.queueDeleted', { hold })));
      expect(notice).toContain(escapeHtml(t('privacy.queueStats', { k: K })));
      const lesson = flat(await read(ctx, '/learn/this-network', lang));
      expect({ lang, hold: lesson.includes(hold) }).toEqual({ lang, hold: true });
      expect(lesson).not.toContain('{{');
    }
  });

  it('when a library has no kiosk zone, then the notice says nothing about a queue', async () => {
    ctx = await makeStaffApp({ config: { zones: [CONFIG.zones[1]] } });
    expect(await read(ctx, '/privacy', 'en')).not.toContain(translator('en')('privacy.queueTitle'));
  });

  it('when a phone takes a ticket, then the stored ticket holds its number, time and two hashes only: no address, key or code, and no other field is taken', async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const ip = '10.91.3.4';
    const { key, code } = await takeByPhone(ctx, ip);
    const stored = await ctx.deps.store.queue.read('kiosks');
    const [ticket] = stored!.queue.tickets;
    expect(Object.keys(ticket!).every((k) => TICKET_FIELDS.includes(k))).toBe(true);
    expect(ticket).toEqual({ number: 1, issuedAt: ctx.clock.now(), keyHash: keyHash(key), claimHash: claimHash(code) });
    const raw = JSON.stringify(stored);
    expect(findLeaks([ip, key, code], [{ where: 'the stored queue', data: raw }])).toEqual([]);
    // A form asking for more (a name, a phone number) is refused, not stored.
    const phone = new Patron(ctx.app, '10.91.3.5');
    expect((await phone.submit('/queue/kiosks', '/queue/kiosks/take', { name: 'Jane', phone: '0123' })).status).toBe(400);
    expect((await ctx.deps.store.queue.read('kiosks'))!.queue.tickets).toHaveLength(1);
  });

  it(`when tickets are used, cancelled, given up or held past ${HOLD} minutes, then they are gone; at midnight the queue itself is`, async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    const left = await takeByPhone(ctx, '10.91.4.1');
    await takeByPhone(ctx, '10.91.4.2');
    await takeByPhone(ctx, '10.91.4.3');
    await new Patron(ctx.app, '10.91.4.1').submit(`/queue/kiosks/t/${left.key}`, `/queue/kiosks/t/${left.key}/leave`);
    expect(await ctx.deps.queue.cancel('kiosks', 2)).toBe(true);
    await ctx.deps.queue.moveTo('kiosks', 3, 'pc-1');
    ctx.clock.advance(HOLD * MIN - 1000);
    expect((await ctx.deps.queue.board('kiosks')).held).toHaveLength(1);
    ctx.clock.advance(2000);
    expect((await ctx.deps.queue.board('kiosks')).held).toEqual([]);
    expect((await ctx.deps.store.queue.read('kiosks'))!.queue.tickets).toEqual([]);
    // What is left (the day's numbering) expires at midnight, and the sweep deletes the row.
    const db = new Database(path.join(ctx.dataDir, 'threshold.db'), { readonly: true });
    const { expires_at: expiresAt } = db.prepare('SELECT expires_at FROM queue_zones').get() as { expires_at: number };
    db.close();
    expect(expiresAt).toBe(nextMidnight(ctx.clock.now(), 'UTC'));
    ctx.clock.set(expiresAt);
    expect(await ctx.deps.store.queue.read('kiosks')).toBeUndefined();
    await ctx.deps.store.sweep(ctx.clock.now());
    const after = new Database(path.join(ctx.dataDir, 'threshold.db'), { readonly: true });
    expect(after.prepare('SELECT count(*) AS n FROM queue_zones').get()).toEqual({ n: 0 });
    after.close();
  });

  it(`when an hour has fewer than k = ${K} tickets, then the export withholds the queue figures; with k it gives them`, async () => {
    ctx = await makeStaffApp({ config: CONFIG });
    for (let i = 1; i < K; i++) await takeByPhone(ctx, `10.91.5.${i}`);
    const staff = await signedIn(ctx, 'sam', 'staff');
    const header = (await staff.get('/staff/stats/day/2026-11-18.csv')).text.split('\r\n')[0]!.split(',');
    const issued = header.indexOf('queue_issued');
    const row = async () => (await staff.get('/staff/stats/day/2026-11-18.csv')).text.split('\r\n').find((l) => l.startsWith('2026-11-18 10:00,kiosks'))!.split(',');
    expect((await row())[issued]).toBe(`fewer than ${K}`);
    await takeByPhone(ctx, `10.91.5.${K}`);
    expect((await row())[issued]).toBe(String(K));
  });
});
