// Live sessions in the console: counts, the list by code, extend and end by code — on this
// gateway and on another gateway sharing the Redis store. No address is ever shown.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildDeps } from '../../src/build-deps';
import { createApp } from '../../src/app';
import { configSchema } from '../../src/config/schema';
import type { Deps } from '../../src/deps';
import { headerClientResolver } from '../../src/http/client';
import { createLogger } from '../../src/logger';
import { policyToForm } from '../../src/staff/policy-form';
import { auditInEnglish, makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';
import { Patron } from '../helpers/test-deps';

const CLIENTS = [
  { ip: '10.60.0.11', mac: 'aa:bb:cc:00:11:22' },
  { ip: '10.60.0.12', mac: 'aa:bb:cc:00:11:33' },
];

async function online(ctx: StaffContext, client: { ip: string; mac: string }): Promise<string> {
  await new Patron(ctx.app, client.ip, client.mac).accept();
  return ctx.deps.sessions.lookup(client.ip)!.record.code;
}

describe('live sessions', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it('when patrons are online, then staff see counts per zone and codes, never an address, MAC or pseudonym', async () => {
    ctx = await makeStaffApp();
    const codes = [await online(ctx, CLIENTS[0]!), await online(ctx, CLIENTS[1]!)];
    const staff = await signedIn(ctx, 'sam', 'staff');
    const res = await staff.get('/staff/sessions');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<span class="big">2<\/span> Wi-Fi/);
    for (const code of codes) expect(res.text).toContain(`${code.slice(0, 3)} ${code.slice(3)}`);
    const records = await ctx.deps.store.listSessions();
    for (const c of CLIENTS) {
      expect(res.text).not.toContain(c.ip);
      expect(res.text).not.toContain(c.mac);
    }
    for (const r of records) {
      expect(res.text).not.toContain(r.pseudonym);
      expect(res.text).not.toContain(r.id);
    }
    expect((await staff.get('/staff')).text).toMatch(/<p class="big">2<\/p>/);
  });

  it('when staff look up a code as the patron reads it, then that session is shown with extend and end', async () => {
    ctx = await makeStaffApp();
    const code = await online(ctx, CLIENTS[0]!);
    const staff = await signedIn(ctx, 'sam', 'staff');
    const res = await staff.get(`/staff/sessions?code=${code.slice(0, 3).toLowerCase()}%20${code.slice(3)}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('End this session now');
    expect(res.text).toContain('60 min left');
  });

  it('when a code matches no session, then the page says so with a 404 and keeps the code', async () => {
    ctx = await makeStaffApp();
    const staff = await signedIn(ctx, 'sam', 'staff');
    const res = await staff.get('/staff/sessions?code=ZZZ999');
    expect(res.status).toBe(404);
    expect(res.text).toContain('No running session has the code ZZZ999');
    expect(res.text).toContain('value="ZZZ999"');
  });

  it('when no session runs, then the list says so and offers no pages', async () => {
    ctx = await makeStaffApp();
    const staff = await signedIn(ctx, 'sam', 'staff');
    const res = await staff.get('/staff/sessions');
    expect(res.status).toBe(200);
    expect(res.text).toContain('No session is running.');
    expect(res.text).toMatch(/<span class="big">0<\/span> Wi-Fi/);
    expect(res.text).not.toContain('class="pager"');
  });

  it('when more sessions run than a page holds, then the list comes 50 at a time with next and previous links, each session once', async () => {
    ctx = await makeStaffApp();
    for (let i = 0; i < 120; i++) {
      // A second apart, so the order (ending soonest first) is the order of the grants.
      expect((await ctx.deps.sessions.grant({ ip: `10.61.0.${i + 1}` })).ok).toBe(true);
      ctx.clock.advance(1000);
    }
    const staff = await signedIn(ctx, 'sam', 'staff');
    const codesOn = (html: string) => [...html.matchAll(/<a class="code" href="\/staff\/sessions\?code=([A-Z0-9]+)">/g)].map((m) => m[1]);
    const link = (html: string, rel: string) => new RegExp(`<a rel="${rel}" href="([^"]+)">`).exec(html)?.[1]?.replace(/&amp;/g, '&');

    const first = await staff.get('/staff/sessions');
    expect(first.text).toMatch(/<span class="big">120<\/span> Wi-Fi/);
    expect(codesOn(first.text)).toHaveLength(50);
    expect(link(first.text, 'prev')).toBeUndefined();
    const second = await staff.get(link(first.text, 'next')!);
    expect(codesOn(second.text)).toHaveLength(50);
    const third = await staff.get(link(second.text, 'next')!);
    expect(codesOn(third.text)).toHaveLength(20);
    expect(link(third.text, 'next')).toBeUndefined();
    const all = [...codesOn(first.text), ...codesOn(second.text), ...codesOn(third.text)];
    const expected = (await ctx.deps.store.listSessions()).sort((a, b) => a.endsAt - b.endsAt).map((r) => r.code);
    expect(all).toEqual(expected);

    const back = await staff.get(link(third.text, 'prev')!);
    expect(codesOn(back.text)).toEqual(codesOn(second.text));
    const backAgain = await staff.get(link(back.text, 'prev')!);
    expect(codesOn(backAgain.text)).toEqual(codesOn(first.text));
    expect(link(backAgain.text, 'prev')).toBeUndefined();
  });

  it('when a page link is damaged, then the page says so with a 400 and a way back to the first page', async () => {
    ctx = await makeStaffApp();
    await online(ctx, CLIENTS[0]!);
    const staff = await signedIn(ctx, 'sam', 'staff');
    for (const q of ['after=nonsense', 'before=1:gw1:%7B%7D', 'after=1&after=2']) {
      const res = await staff.get(`/staff/sessions?${q}`);
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
      expect(res.text).toContain('This page of sessions is out of date or the link is damaged. Start again from the first page.');
    }
  });

  it('when staff extend a session by 30 minutes, then the patron, the store and the firewall all get the time', async () => {
    ctx = await makeStaffApp();
    const code = await online(ctx, CLIENTS[0]!);
    const staff = await signedIn(ctx, 'sam', 'staff');
    const res = await staff.submit(`/staff/sessions?code=${code}`, '/staff/sessions/extend', { code, minutes: '30' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/staff/sessions?code=${code}&notice=extended`);
    expect(ctx.deps.sessions.secondsLeft(ctx.deps.sessions.lookup(CLIENTS[0]!.ip)!)).toBe(90 * 60);
    expect((await ctx.deps.store.findSessionByCode(code))!.endsAt - ctx.clock.now()).toBe(90 * 60_000);
    expect((await ctx.deps.firewall.list())[0]!.expiresInSeconds).toBe(90 * 60);
    const [entry] = await ctx.deps.staff.audit.list(1);
    expect(entry).toMatchObject({ actor: 'sam', action: 'session.extend', target: 'wifi' });
    expect(auditInEnglish(entry!.detail)).toBe('extended a session in Wi-Fi by 30 minutes');
  });

  it('when staff ask for an extension length not offered, then the page says which are', async () => {
    ctx = await makeStaffApp();
    const code = await online(ctx, CLIENTS[0]!);
    const staff = await signedIn(ctx, 'sam', 'staff');
    const res = await staff.submit(`/staff/sessions?code=${code}`, '/staff/sessions/extend', { code, minutes: '600' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Choose how long to extend by: 15, 30, 60 minutes.');
  });

  it('when staff end a session, then the patron is offline at once and the session is gone', async () => {
    ctx = await makeStaffApp();
    const code = await online(ctx, CLIENTS[0]!);
    const staff = await signedIn(ctx, 'sam', 'staff');
    const res = await staff.submit(`/staff/sessions?code=${code}`, '/staff/sessions/end', { code, confirm: 'yes' });
    expect(res.headers.location).toBe('/staff/sessions?notice=ended');
    expect(ctx.deps.sessions.lookup(CLIENTS[0]!.ip)).toBeUndefined();
    expect(await ctx.deps.firewall.list()).toEqual([]);
    expect(await ctx.deps.store.listSessions()).toEqual([]);
    const again = await staff.submit('/staff/sessions', '/staff/sessions/end', { code, confirm: 'yes' });
    expect(again.status).toBe(404);
  });

  it('when "end" is sent without the confirmation ticked, then nothing ends and the page says to tick it', async () => {
    ctx = await makeStaffApp();
    const code = await online(ctx, CLIENTS[0]!);
    const staff = await signedIn(ctx, 'sam', 'staff');
    const page = (await staff.get(`/staff/sessions?code=${code}`)).text;
    expect(page).toContain('<input type="checkbox" id="end-confirm" name="confirm" value="yes" required>');
    const res = await staff.submit(`/staff/sessions?code=${code}`, '/staff/sessions/end', { code });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Tick &#34;Yes, end it&#34; to confirm');
    expect(ctx.deps.sessions.lookup(CLIENTS[0]!.ip)).toBeDefined();
  });
});

describe('live sessions across gateways (Redis)', () => {
  let ctx: StaffContext;
  let other: Deps;
  let otherDir: string;
  afterEach(async () => {
    await ctx.close();
    fs.rmSync(otherDir, { recursive: true, force: true });
  });

  /** A second gateway ("gw2") on the same Redis and clock, with its own day keys. */
  async function secondGateway(): Promise<Deps> {
    otherDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-gw2-'));
    const config = configSchema.parse({ dataDir: otherDir, timezone: 'UTC', gatewayId: 'gw2', redisUrl: process.env.TEST_REDIS_URL });
    const deps = await buildDeps(config, createLogger('silent'), { clock: ctx.clock, store: ctx.deps.store, resolveClient: headerClientResolver() });
    await deps.sessions.start();
    return deps;
  }

  it('when a session runs on another gateway, then staff here list it, extend it, shorten it by policy and end it, and that gateway applies it', async () => {
    ctx = await makeStaffApp({ redis: true });
    other = await secondGateway();
    await new Patron(createApp(other), '10.60.0.21', 'aa:bb:cc:00:22:11').accept();
    const code = other.sessions.lookup('10.60.0.21')!.record.code;
    const staff = await signedIn(ctx, 'sam', 'staff');

    await online(ctx, CLIENTS[0]!);
    const list = await staff.get('/staff/sessions');
    expect(list.text).toMatch(/<span class="big">2<\/span> Wi-Fi/);
    expect(list.text).toContain('<th scope="col">Gateway</th>');
    expect(list.text).toContain(`${code.slice(0, 3)} ${code.slice(3)}</a></td><td>Wi-Fi</td><td>gw2</td>`);

    const extended = await staff.submit(`/staff/sessions?code=${code}`, '/staff/sessions/extend', { code, minutes: '15' });
    expect(extended.status).toBe(303);
    await other.sessions.reconcile();
    expect(other.sessions.secondsLeft(other.sessions.lookup('10.60.0.21')!)).toBe(75 * 60);
    expect((await other.firewall.list())[0]!.expiresInSeconds).toBe(75 * 60);

    // An admin here shortens running sessions to a new policy: the other gateway's too.
    const admin = await signedIn(ctx, 'ada', 'admin');
    const form = { ...policyToForm(ctx.deps.sessions.policies.peek('wifi')!), sessionMinutes: '30', shortenRunning: 'yes' };
    const saved = await admin.submit('/staff/policies/wifi', '/staff/policies/wifi', form);
    expect(saved.headers.location).toBe('/staff/policies?saved=wifi&shortened=2');
    await other.sessions.reconcile();
    expect(other.sessions.secondsLeft(other.sessions.lookup('10.60.0.21')!)).toBe(30 * 60);
    expect((await other.firewall.list())[0]!.expiresInSeconds).toBe(30 * 60);

    const ended = await staff.submit(`/staff/sessions?code=${code}`, '/staff/sessions/end', { code, confirm: 'yes' });
    expect(ended.status).toBe(303);
    await other.sessions.reconcile();
    expect(other.sessions.lookup('10.60.0.21')).toBeUndefined();
    expect(await other.firewall.list()).toEqual([]);
  });
});
