// Every staff console page in Spanish, French and Arabic, with data enough that its tables,
// forms, errors and empty states show: no English is left on any of them (english-left.ts),
// each says its language and direction, and the audit log reads old English entries in the
// reader's language. The pages are listed one by one here: a new staff page is added to PAGES
// deliberately, with what it needs to show its text (the "store away" page: a console of its
// own on a redis-server of the test's own, stopped).
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app';
import type { Lang } from '../../src/i18n/languages';
import { AGENT_API_BASE } from '../../src/workstations/protocol';
import { englishDetector } from '../helpers/english-left';
import { StaffBrowser, makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';
import { KIOSK_CONFIG, makeReport } from '../helpers/workstations';
import { startOwnRedis, type OwnRedis } from '../helpers/own-redis';

const KIOSK_IP = '10.20.0.31';
const NAMES = ['Redis', 'Your Library', 'Kiosk PCs', 'Wi-Fi', 'ada', 'sam', 'pc-hall', 'Debian GNU/Linux', 'Club de lectura', 'cli', 'auditRetentionDays', 'statsRetentionDays', 'MIN_CELL_SESSIONS', 'YYYY'];

const LOGOS = path.join(__dirname, '../fixtures/logos');
const PNG = fs.readFileSync(path.join(LOGOS, 'logo-96x96.png'));
/** The library settings form with a notice in two languages and a walled garden. */
const SETTINGS = {
  libraryName: 'Your Library', defaultLang: 'en', terms_en: '', terms_es: '', terms_fr: '', terms_ar: '', banner_en: 'Closed', banner_es: 'Cerrado', banner_fr: '', banner_ar: '',
  bannerStart: '2026-11-18T09:00', bannerEnd: '2026-11-20T18:00', walledGarden: 'catalogue.library.example', removeLogo: '',
};

interface Seeded {
  admin: StaffBrowser;
  sessionCode: string;
  batchId: string;
  /** A console whose Redis is stopped (its "store away" page), and a browser signed in to it before. */
  away: { ctx: StaffContext; browser: StaffBrowser };
}

/** Pages answered 503 on purpose: the console while its store is away. */
const AWAY_PAGES = new Set(['storeAway', 'storeAwayForm']);

/** Each page the console has, and how to reach it with its text showing (GET, or a form sent). */
const PAGES: Record<string, (s: Seeded, ctx: StaffContext) => Promise<request.Response>> = {
  overview: ({ admin }) => admin.get('/staff'),
  sessions: ({ admin }) => admin.get('/staff/sessions'),
  sessionFound: ({ admin, sessionCode }) => admin.get(`/staff/sessions?code=${sessionCode}`),
  sessionNotFound: ({ admin }) => admin.get('/staff/sessions?code=ZZZ999'),
  sessionExtended: ({ admin, sessionCode }) => admin.submit('/staff/sessions', '/staff/sessions/extend', { code: sessionCode, minutes: '15' }).then((r) => admin.get(r.headers.location!)),
  helpTimeWrong: ({ admin }) => admin.submit('/staff/sessions', '/staff/help-time', { code: 'x', minutes: '15' }),
  passes: ({ admin }) => admin.get('/staff/passes'),
  passesWrong: ({ admin }) => admin.submit('/staff/passes', '/staff/passes', { count: '0', minutes: 'many', validUntil: 'soon', label: '' }),
  passSheet: ({ admin }) => admin.submit('/staff/passes', '/staff/passes', { count: '2', minutes: '30', validUntil: '2026-11-20', label: 'Club de lectura' }),
  passesRevoked: ({ admin, batchId }) => admin.submit('/staff/passes', `/staff/passes/${batchId}/revoke`, {}).then((r) => admin.get(r.headers.location!)),
  deskPass: ({ admin }) => admin.get('/staff/passes/desk'),
  deskPassWrong: ({ admin }) => admin.submit('/staff/passes/desk', '/staff/passes/desk', { count: '9', minutes: 'x' }),
  deskPassSheet: ({ admin }) => admin.submit('/staff/passes/desk', '/staff/passes/desk', { count: '2', minutes: '60' }),
  passesWithDesk: ({ admin }) => admin.get('/staff/passes'),
  settings: ({ admin }) => admin.get('/staff/settings'),
  settingsSaved: ({ admin }) => admin.upload('/staff/settings', '/staff/settings', SETTINGS).then((r) => admin.get(r.headers.location!)),
  settingsWithLogo: ({ admin }) => admin.get('/staff/settings'),
  settingsWrong: ({ admin }) =>
    admin.upload('/staff/settings', '/staff/settings', {
      ...SETTINGS, libraryName: 'L'.repeat(130), defaultLang: 'xx', terms_ar: 'ب'.repeat(7000), terms_es: 'x'.repeat(12_001), banner_fr: 'x'.repeat(401), banner_en: 'x'.repeat(401), banner_es: 'x'.repeat(401), banner_ar: 'x'.repeat(401),
      bannerStart: 'soon', bannerEnd: 'later', walledGarden: '*.example.org\nhttp://ebooks.example/x\n10.0.0.0/8\n300.1.2.3\n0.0.0.0\n192.0.2.0/99\n0.0.0.0/24\nx_y!',
    }),
  settingsDatesWrong: ({ admin }) => admin.upload('/staff/settings', '/staff/settings', { ...SETTINGS, banner_en: '', banner_es: '', bannerStart: '2026-11-20T10:00', bannerEnd: '2026-11-19T10:00' }),
  settingsNotImage: ({ admin }) => admin.upload('/staff/settings', '/staff/settings', SETTINGS, { field: 'logo', name: 'photo.jpg', data: Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]) }),
  settingsSvgScript: ({ admin }) => admin.upload('/staff/settings', '/staff/settings', SETTINGS, { field: 'logo', name: 'logo.svg', data: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><iframe src="https://elsewhere.example/"/></svg>') }),
  settingsPngBroken: ({ admin }) => admin.upload('/staff/settings', '/staff/settings', SETTINGS, { field: 'logo', name: 'logo.png', data: PNG.subarray(0, PNG.length - 20) }),
  settingsPngHuge: ({ admin }) => admin.upload('/staff/settings', '/staff/settings', SETTINGS, { field: 'logo', name: 'wide.png', data: fs.readFileSync(path.join(LOGOS, 'huge-2000x10.png')) }),
  settingsTooBig: ({ admin }) => admin.upload('/staff/settings', '/staff/settings', SETTINGS, { field: 'logo', name: 'big.png', data: Buffer.concat([PNG, Buffer.alloc(30 * 1024)]) }),
  statsDay: ({ admin }) => admin.get('/staff/stats/day/2026-11-18'),
  statsMonth: ({ admin }) => admin.get('/staff/stats/month/2026-11?zone=wifi'),
  statsYear: ({ admin }) => admin.get('/staff/stats/year/2026'),
  policies: ({ admin }) => admin.get('/staff/policies'),
  policySaved: ({ admin }) => admin.get('/staff/policies?saved=wifi&shortened=2'),
  policyForm: ({ admin }) => admin.get('/staff/policies/wifi'),
  policyWrong: ({ admin }) =>
    admin.submit('/staff/policies/wifi', '/staff/policies/wifi', { accessMode: 'pass', sessionMinutes: '0', dailyMinutes: '30', idleMinutes: 'x', warningMinutes: '5', hours_mon: '18:00-09:00', closures: '31/12' }),
  accounts: ({ admin }) => admin.get('/staff/accounts?notice=added'),
  accountsWrong: ({ admin }) => admin.submit('/staff/accounts', '/staff/accounts', { username: 'ada', role: 'staff', password: 'short', password2: 'other' }),
  account: ({ admin }) => admin.get('/staff/accounts/sam'),
  audit: ({ admin }) => admin.get('/staff/audit'),
  ownPassword: ({ admin }) => admin.get('/staff/password'),
  ownPasswordWrong: ({ admin }) => admin.submit('/staff/password', '/staff/password', { current: 'not it', password: 'a new long password', password2: 'a new long password' }),
  fleet: ({ admin }) => admin.get('/staff/workstations'),
  fleetCode: ({ admin }) => admin.submit('/staff/workstations', '/staff/workstations/codes', { zone: 'kiosks', ttl: '30' }),
  fleetWrong: ({ admin }) => admin.submit('/staff/workstations', '/staff/workstations/commands', { zone: 'kiosks', kind: '', message: '' }),
  fleetConfirm: ({ admin }) => admin.submit('/staff/workstations', '/staff/workstations/commands', { zone: 'kiosks', kind: 'restart', message: '' }),
  workstation: ({ admin }) => admin.get('/staff/workstations/pc-hall'),
  workstationWrong: ({ admin }) => admin.submit('/staff/workstations/pc-hall', '/staff/workstations/pc-hall/retire', {}),
  notFound: ({ admin }) => admin.get('/staff/policies/nowhere'),
  queue: ({ admin }) => admin.get('/staff/queue'),
  queueNotice: ({ admin }) => admin.get('/staff/queue?done=skipped'),
  queueBookWrong: ({ admin }) => admin.submit('/staff/queue', '/staff/queue/kiosks/book', { time: 'soon', pc: '' }),
  queueTicket: ({ admin }) => admin.submit('/staff/queue', '/staff/queue/kiosks/print', {}),
  policyFormKiosk: ({ admin }) => admin.get('/staff/policies/kiosks'),
  // The store away: no account can be read, so the page speaks the browser's language.
  storeAway: ({ away }) => {
    away.browser.acceptLanguage = lang;
    return away.browser.get('/staff/sessions');
  },
  storeAwayForm: ({ away }) => {
    away.browser.acceptLanguage = lang;
    return away.browser.post('/staff/sessions/extend', { _csrf: 'x', code: 'ABC234', minutes: '15' });
  },
  signIn: async (_s, ctx) => {
    const b = new StaffBrowser(ctx.staffApp);
    return b.get(`/staff/login?lang=${lang}`);
  },
  signInWrong: async (_s, ctx) => {
    const b = new StaffBrowser(ctx.staffApp);
    return b.submit(`/staff/login?lang=${lang}`, `/staff/login?lang=${lang}`, { username: 'sam', password: 'wrong password' });
  },
};
let lang: Lang = 'en';

describe('every staff page in every language', () => {
  let ctx: StaffContext;
  let portal: Express;
  let seeded: Seeded;
  let redis: OwnRedis;

  beforeAll(async () => {
    redis = await startOwnRedis();
    const awayCtx = await makeStaffApp({ config: { redisUrl: redis.url } });
    const away = { ctx: awayCtx, browser: await signedIn(awayCtx, 'ada', 'admin') };
    await redis.stop();
    // The kiosk zone is a kiosk zone here, so the queue page has a queue to show.
    ctx = await makeStaffApp({ config: { zones: [{ ...KIOSK_CONFIG.zones[0]!, kind: 'kiosk' as const }, KIOSK_CONFIG.zones[1]!] } });
    portal = createApp(ctx.deps, { surfaces: ['portal', 'agent'] });
    const admin = await signedIn(ctx, 'ada', 'admin');
    await ctx.deps.staff.accounts.add('ada', 'sam', 'staff', 'correct horse battery');
    // Patrons online (enough that some figures are published and some withheld).
    for (let i = 1; i <= 7; i++) await new Patron(ctx.app, `10.1.0.${i}`).accept();
    const sessionCode = (await ctx.deps.staff.live.page()).ok ? ((await ctx.deps.staff.live.page()) as { rows: { code: string }[] }).rows[0]!.code : '';
    // A workstation that reports its health and has a command waiting.
    const { code } = await ctx.deps.workstations.createCode({ zoneId: 'kiosks' });
    const token = (await request(portal).post(`${AGENT_API_BASE}/enrol`).set('X-Test-Client', KIOSK_IP).send({ code, name: 'pc-hall' })).body.token as string;
    await request(portal).post(`${AGENT_API_BASE}/heartbeat`).set('X-Test-Client', KIOSK_IP).set('Authorization', `Bearer ${token}`).send({ reports: [makeReport()] });
    await ctx.deps.workstations.send({ name: 'pc-hall' }, 'message', '20:00 !');
    // Staff actions for the audit log, and an entry from before entries were language-neutral.
    await admin.submit('/staff/policies/wifi', '/staff/policies/wifi', { accessMode: 'click-through', sessionMinutes: '50', dailyMinutes: '180', idleMinutes: '15', warningMinutes: '5', alwaysOpen: 'yes', closures: '' });
    // A logo, so the settings page shows it and offers to remove or replace it.
    expect((await admin.upload('/staff/settings', '/staff/settings', SETTINGS, { field: 'logo', name: 'logo.png', data: PNG, type: 'image/png' })).status).toBe(303);
    const { batch } = await ctx.deps.staff.passes.createBatch('ada', { count: 3, minutes: 45, validUntil: ctx.clock.now() + 86_400_000, label: 'Club de lectura' });
    await ctx.deps.store.staff.appendAudit({ id: 'old1', at: ctx.clock.now() - 60_000, actor: 'ada', action: 'policy.update', target: 'wifi', detail: 'session 30 → 20 min; shortened 1 running sessions' }, ctx.clock.now() + 86_400_000);
    // Tickets waiting for the kiosk zone's PCs, one of them a booking for later today.
    for (let i = 0; i < 2; i++) await ctx.deps.queue.take('kiosks');
    await ctx.deps.queue.take('kiosks', { slotAt: ctx.clock.now() + 2 * 3_600_000 });
    seeded = { admin, sessionCode, batchId: batch.id, away };
  });
  afterAll(async () => {
    await ctx.close();
    await seeded.away.ctx.close().catch(() => undefined);
    await redis.destroy();
  });

  it('when the pages are listed, then each is reached and shows its text in English first', async () => {
    lang = 'en';
    await seeded.admin.submit('/staff', '/staff/language', { lang: 'en', back: '/staff' });
    for (const [name, open] of Object.entries(PAGES)) {
      const res = await open(seeded, ctx);
      expect([name, AWAY_PAGES.has(name) ? res.status === 503 && res.text.includes('http-equiv="refresh"') : res.status < 500, res.text.slice(0, 80)]).toEqual([name, true, expect.stringContaining('<html lang="en" dir="ltr">')]);
    }
  });

  it.each(['es', 'fr', 'ar'] as Lang[])('when an admin reads every page in %s, then no English is left on any of them', async (l) => {
    lang = l;
    const chose = await seeded.admin.submit('/staff', '/staff/language', { lang: l, back: '/staff' });
    expect(chose.status).toBe(303);
    const find = englishDetector(l, NAMES);
    const left: Record<string, unknown> = {};
    for (const [name, open] of Object.entries(PAGES)) {
      const res = await open(seeded, ctx);
      expect([name, res.text.slice(0, 80)]).toEqual([name, expect.stringContaining(`<html lang="${l}" dir="${l === 'ar' ? 'rtl' : 'ltr'}">`)]);
      const found = find(res.text);
      if (found.sentences.length || Object.keys(found.words).length) left[name] = found;
    }
    expect(left).toEqual({});
  });

  it('when the audit log is read in Arabic, then an old English entry is shown translated', async () => {
    await seeded.admin.submit('/staff', '/staff/language', { lang: 'ar', back: '/staff' });
    const page = (await seeded.admin.get('/staff/audit')).text;
    expect(page).toContain('الجلسة 30 ← 20 د؛ قُصّرت جلسات جارية عددها 1');
  });

  it('when the batch list is read in Arabic, then the labels Threshold gives are translated and a label staff typed is shown as typed', async () => {
    await seeded.admin.submit('/staff', '/staff/language', { lang: 'ar', back: '/staff' });
    await seeded.admin.submit('/staff/passes/desk', '/staff/passes/desk', { count: '1', minutes: '30' });
    await seeded.admin.submit('/staff/passes', '/staff/passes', { count: '1', minutes: '30', validUntil: '2026-11-20', label: 'Print' });
    const page = (await seeded.admin.get('/staff/passes')).text;
    expect([page.includes('<td>بطاقة مكتب</td>'), page.includes('<td>Print</td>'), page.includes('<td>Desk pass</td>')]).toEqual([true, true, false]);
  });

  it('when a pass sheet is made in Spanish, then its CSV keeps the stable columns, and the other link names them in Spanish', async () => {
    await seeded.admin.submit('/staff', '/staff/language', { lang: 'es', back: '/staff' });
    const sheet = (await seeded.admin.submit('/staff/passes', '/staff/passes', { count: '1', minutes: '30', validUntil: '2026-11-20', label: '' })).text;
    const csvs = [...sheet.matchAll(/<a href="data:text\/csv;charset=utf-8,([^"]+)"/g)].map((m) => decodeURIComponent(m[1]!).split('\r\n')[0]);
    expect(csvs).toEqual(['code,minutes,valid_until', 'código,minutos,válido hasta']);
  });

  it('when statistics are downloaded with ?header=translated, then the columns are named in the reader\'s language, otherwise stably', async () => {
    await seeded.admin.submit('/staff', '/staff/language', { lang: 'fr', back: '/staff' });
    const stable = await seeded.admin.get('/staff/stats/day/2026-11-18.csv');
    expect(stable.text.split('\r\n')[0]).toMatch(/^period,zone,sessions_started,/);
    const translated = await seeded.admin.get('/staff/stats/day/2026-11-18.csv?header=translated');
    expect(translated.text.split('\r\n')[0]).toMatch(/^période,zone,Sessions ouvertes,/);
    expect(translated.text.split('\r\n').slice(1)).toEqual(stable.text.split('\r\n').slice(1));
  });
});

describe('the first-run setup page in every language', () => {
  it.each(['es', 'fr', 'ar'] as Lang[])('when no admin exists yet and the browser speaks %s, then setup and its form errors are in it', async (l) => {
    const ctx = await makeStaffApp();
    try {
      const token = await ctx.deps.staff.setup.issueIfNeeded();
      const b = new StaffBrowser(ctx.staffApp);
      b.acceptLanguage = l;
      const find = englishDetector(l, NAMES);
      const page = await b.get(`/staff/setup?token=${token}`);
      const wrong = await b.submit(`/staff/setup?token=${token}`, '/staff/setup', { token: token!, username: 'x y', password: 'short', password2: 'short' });
      expect(wrong.status).toBe(400);
      for (const res of [page, wrong]) {
        expect(res.text).toContain(`<html lang="${l}"`);
        expect(find(res.text)).toEqual({ sentences: [], words: {} });
      }
    } finally {
      await ctx.close();
    }
  });
});

describe('the English detector', () => {
  it('when a page in Spanish holds an English sentence or English words, then it finds them; names, codes and other languages marked as such are left alone', () => {
    const find = englishDetector('es', ['Wi-Fi']);
    expect(find('<html lang="es"><p>Sign in</p><p>The session was extended.</p></html>')).toEqual({
      sentences: ['The session was extended.'],
      words: { 'Sign in': ['sign'], 'The session was extended.': ['the', 'session', 'was', 'extended'] },
    });
    expect(find('<html lang="es"><p>Zona Wi-Fi</p><code>threshold staff add</code><p lang="en">Join the Wi-Fi</p></html>')).toEqual({ sentences: [], words: {} });
    // A random code that happens to spell a word ("KEY 6AP") is a code, not English.
    expect(find('<html lang="es"><p>Código: <span class="code" dir="ltr">KEY 6AP</span></p><p class="pass-code">HAS2-TIME</p></html>')).toEqual({ sentences: [], words: {} });
  });
});
