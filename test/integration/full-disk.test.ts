// A full disk under SQLite (a 3 MB tmpfs as DATA_DIR, filled): patrons and staff get pages
// below 500 that say what to do (a grant kept and written through later, "one moment", or the
// console's "store away" page),
// the server does not crash, and once there is room again everything works and nothing
// acknowledged is lost. Needs root to mount the tmpfs.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { makeStaffApp, signedIn, type StaffBrowser, type StaffContext } from '../helpers/staff';
import { DayKeyring } from '../../src/privacy/day-keys';
import { Patron } from '../helpers/test-deps';

const CONFIG = { zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['10.4.0.0/16'], policy: { sessionMinutes: 60, dailyMinutes: 60 } }] };
const CARD = /<p class="pass-code">([2-9A-Z]{4}-[2-9A-Z]{4})<\/p>/;
const mac = (n: number) => `02:00:00:00:06:${String(n).padStart(2, '0')}`;

function fill(dir: string): string {
  const filler = path.join(dir, 'filler');
  try {
    execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=16k'], { stdio: 'ignore' });
  } catch {
    // dd stops with "No space left on device": that is the point
  }
  return filler;
}

const root = process.getuid?.() === 0;
(root ? describe : describe.skip)('a full disk under SQLite (needs root to mount a small tmpfs)', () => {
  let dir: string;
  let ctx: StaffContext | undefined;
  let staff: StaffBrowser;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir]);
    ctx = await makeStaffApp({ config: { ...CONFIG, dataDir: dir } });
    staff = await signedIn(ctx, 'sam', 'admin');
  });
  afterEach(async () => {
    await ctx?.close().catch(() => undefined);
    execFileSync('umount', [dir]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('when the disk fills, then patrons and staff get pages below 500, and once there is room every grant is in the store', async () => {
    const c = ctx!;
    const sheet = await staff.submit('/staff/passes/desk', '/staff/passes/desk', { count: '2', minutes: '30' });
    const codes = [...sheet.text.matchAll(new RegExp(CARD.source, 'g'))].map((m) => m[1]!);
    const token = await staff.token('/staff/sessions');
    const filler = fill(dir);

    const answers: [string, number][] = [];
    // Patrons: accepting the terms, a desk pass, a JSON client.
    for (let n = 1; n <= 5; n++) answers.push([`accept ${n}`, (await new Patron(c.app, `10.4.0.${n}`, mac(n)).accept()).status]);
    answers.push(['redeem', (await new Patron(c.app, '10.4.0.20', mac(20)).submit('/', '/redeem', { code: codes[0]! })).status]);
    answers.push(['captive api', (await request(c.app).get('/api/captive').set('X-Test-Client', '10.4.0.21').set('Accept', 'application/captive+json')).status]);
    // Staff: pages and forms.
    for (const url of ['/staff', '/staff/sessions', '/staff/passes', '/staff/audit']) answers.push([url, (await staff.get(url)).status]);
    for (const [action, fields] of [
      ['/staff/passes/desk', { count: '1', minutes: '30' }],
      ['/staff/help-time', { code: 'K7QM2P', minutes: '30' }],
      ['/staff/policies/wifi', { accessMode: 'click-through', sessionMinutes: '30', dailyMinutes: '60', idleMinutes: '15', warningMinutes: '5', alwaysOpen: 'on' }],
    ] as const) {
      const res = await staff.post(action, { _csrf: token, ...fields });
      answers.push([action, res.status]);
      // The console's own "store away" page, which says nothing was saved.
      const away = 'The shared store is not answering';
      if (res.status >= 500) expect({ action, text: res.status === 503 ? res.text : c.logs.filter((l) => l.includes('"level":50')).join('').slice(0, 1500) }).toEqual({ action, text: expect.stringContaining(away) });
    }
    await c.deps.sessions.tick().catch(() => undefined);
    expect(answers.filter(([, status]) => status >= 500 && status !== 503)).toEqual([]);

    // Room again: everything kept is written through, and the second desk pass works.
    fs.rmSync(filler);
    for (let i = 0; i < 200 && (c.deps.sessions.unwrittenGrants > 0 || c.deps.sessions.storeAway); i++) {
      await c.deps.sessions.tick().catch(() => undefined);
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(c.deps.sessions.unwrittenGrants).toBe(0);
    const stored = new Set((await c.deps.store.listSessions()).map((s) => s.id));
    for (let n = 1; n <= 5; n++) {
      const live = c.deps.sessions.lookup(`10.4.0.${n}`);
      if (live) expect(stored.has(live.record.id)).toBe(true);
    }
    // Today's keys, made while the disk was full, are in the key file now, with no copy beside it.
    c.deps.keys.prune();
    await c.deps.keys.saved();
    expect(c.deps.keys.unsaved).toBe(false);
    const day = c.deps.keys.today();
    const onDisk = new DayKeyring(path.join(dir, 'keys'), c.clock, 'UTC', c.deps.random);
    expect(onDisk.pseudonym(day, mac(1))).toBe(c.deps.keys.pseudonym(day, mac(1)));
    expect(fs.readdirSync(path.join(dir, 'keys'))).toEqual(['keys.json']);
    const later = await new Patron(c.app, '10.4.0.22', mac(22)).submit('/', '/redeem', { code: codes[1]! });
    expect([later.status, later.headers.location]).toEqual([303, '/status']);
  });
});
