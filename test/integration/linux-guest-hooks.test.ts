// The shipped Linux hook (deploy/agent/linux/guest-hooks.sh) on a scratch guest home: the wipe
// leaves none of 13 kinds of trace behind, with or without the library's own skeleton, and its
// check fails (exit 3, "Last wipe failed") when anything is left. loginctl, pkill and friends
// are stubbed, so no real account or process is touched.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processHookRunner } from '../../src/agent/hooks';
import { makeStaffApp, signedIn } from '../helpers/staff';
import { makeWorkstation } from '../helpers/workstations';

const HOOK = path.join(__dirname, '..', '..', 'deploy', 'agent', 'linux', 'guest-hooks.sh');

/** One of each kind of trace a patron leaves in a Linux guest home. */
const TRACES: Record<string, string> = {
  'Documents/letter.odt': 'x',
  'Desktop/notes.txt': 'x',
  'Downloads/cv-jane-doe.pdf': 'x',
  '.mozilla/firefox/abc.default/places.sqlite': 'history',
  '.config/chromium/Default/History': 'history',
  '.config/google-chrome/Default/Cookies': 'cookies',
  'snap/firefox/common/.mozilla/firefox/xyz.default/cookies.sqlite': 'cookies',
  'snap/chromium/common/chromium/Default/History': 'history',
  '.bash_history': 'ssh jane@example.org',
  '.local/share/keyrings/login.keyring': 'secrets',
  '.cache/mozilla/firefox/abc.default/cache2/entry': 'cache',
  '.local/share/recently-used.xbel': 'recent',
  '.local/share/Trash/files/old-letter.odt': 'x',
};

/** Every path under a directory, relative to it, sorted. */
const tree = (dir: string): string[] =>
  spawnSync('find', [dir, '-mindepth', '1'], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean).map((p) => path.relative(dir, p)).sort();

describe('Linux guest hooks', () => {
  let dir: string;
  let home: string;
  let skel: string;
  let calls: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'guest-hooks-'));
    home = path.join(dir, 'home');
    skel = path.join(dir, 'skel');
    calls = path.join(dir, 'calls.log');
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    for (const cmd of ['loginctl', 'pkill', 'shutdown', 'runuser', 'notify-send', 'chown']) {
      fs.writeFileSync(path.join(bin, cmd), `#!/bin/sh\necho "${cmd} $*" >> "${calls}"\n`, { mode: 0o755 });
    }
    fs.writeFileSync(path.join(bin, 'pgrep'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
    for (const [f, content] of Object.entries(TRACES)) {
      fs.mkdirSync(path.dirname(path.join(home, f)), { recursive: true });
      fs.writeFileSync(path.join(home, f), content);
    }
    fs.mkdirSync(path.join(skel, 'Desktop'), { recursive: true });
    fs.writeFileSync(path.join(skel, 'Desktop', 'Welcome.txt'), 'Welcome to the library');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const run = (event: string, env: Record<string, string> = {}) =>
    spawnSync('sh', [HOOK, event], {
      env: { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`, THRESHOLD_GUEST: 'guest', THRESHOLD_GUEST_HOME: home, THRESHOLD_GUEST_SKELETON: skel, ...env },
      encoding: 'utf8',
    });

  it('when the PC is held for a ticket, then the hold file says "Held for B-17", and goes when the hold ends', () => {
    const held = path.join(dir, 'run', 'held');
    const shown = run('hold', { THRESHOLD_EVENT: 'hold', THRESHOLD_TICKET: 'B-17', THRESHOLD_HOLD_SECONDS: '300', THRESHOLD_HOLD_FILE: held });
    expect(shown.status).toBe(0);
    expect(shown.stdout + shown.stderr).toBe('');
    expect(fs.readFileSync(held, 'utf8')).toBe('Held for B-17\n');
    expect(run('hold', { THRESHOLD_EVENT: 'hold-end', THRESHOLD_HOLD_FILE: held }).status).toBe(0);
    expect(fs.existsSync(held)).toBe(false);
  });

  it('when a session ends, then the guest is logged out and the home is back to the skeleton, with nothing printed', () => {
    const res = run('session-end', { THRESHOLD_END_REASON: 'staff' });
    expect(res.status).toBe(0);
    expect(res.stdout + res.stderr).toBe('');
    expect(fs.readFileSync(calls, 'utf8')).toContain('loginctl terminate-user guest');
    const left = spawnSync('find', [home, '-mindepth', '1'], { encoding: 'utf8' }).stdout.trim().split('\n').map((p) => path.relative(home, p)).sort();
    expect(left).toEqual(['Desktop', 'Desktop/Welcome.txt', 'Downloads']);
  });

  it('when there is no library skeleton, then all 13 kinds of trace go without extra setup and the home is the system default', () => {
    expect(Object.keys(TRACES)).toHaveLength(13);
    const res = run('session-end', { THRESHOLD_GUEST_SKELETON: path.join(dir, 'none') });
    expect(res.status).toBe(0);
    expect(res.stdout + res.stderr).toBe('');
    for (const trace of Object.keys(TRACES)) expect({ trace, left: fs.existsSync(path.join(home, trace)) }).toEqual({ trace, left: false });
    expect(tree(home)).toEqual([...tree('/etc/skel'), 'Downloads'].sort());
  });

  it.each([
    ['a file the skeleton does not have', (h: string) => fs.writeFileSync(path.join(h, '.bash_history'), 'ls')],
    ['a skeleton file changed', (h: string) => fs.appendFileSync(path.join(h, 'Desktop', 'Welcome.txt'), ' and Jane')],
    ['a download', (h: string) => fs.writeFileSync(path.join(h, 'Downloads', 'cv.pdf'), 'x')],
    ['a snap browser profile', (h: string) => fs.mkdirSync(path.join(h, 'snap', 'firefox'), { recursive: true })],
  ])('when %s is left after a wipe, then the check exits non-zero (the fleet page shows "Last wipe failed")', (_what, leave) => {
    expect(run('session-end').status).toBe(0);
    expect(run('check').status).toBe(0);
    leave(home);
    const res = run('check');
    expect(res.status).toBe(3);
    expect(res.stdout + res.stderr).toBe('');
  });

  it('when the real hook, run by the agent, finds a trace left, then the wipe is reported failed and the fleet page says so', async () => {
    fs.writeFileSync(path.join(home, 'Desktop.txt'), 'left behind');
    const env = { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`, THRESHOLD_GUEST: 'guest', THRESHOLD_GUEST_HOME: home, THRESHOLD_GUEST_SKELETON: skel };
    const outcome = await processHookRunner.run(['sh', HOOK, 'check'], env, 60_000);
    expect(outcome).toEqual({ ok: false, reason: 'exit-code', exitCode: 3 });
    const ctx = await makeStaffApp({ config: { zones: [{ id: 'kiosks', name: 'Kiosk PCs', subnets: ['10.20.0.0/16'], kind: 'kiosk' }] } });
    try {
      const ws = makeWorkstation({ name: 'pc-hall', zoneId: 'kiosks' });
      await ctx.deps.store.workstations.add(ws);
      await ctx.deps.workstations.recordWipe(ws, outcome);
      const page = await (await signedIn(ctx, 'maria', 'staff')).get('/staff/workstations');
      expect(page.text).toMatch(/pc-hall[\s\S]*Last wipe failed/);
    } finally {
      await ctx.close();
    }
  });

  it('when the home cannot be found or the event is unknown, then the hook fails, so staff see it', () => {
    expect(run('session-end', { THRESHOLD_GUEST_HOME: '/' }).status).not.toBe(0);
    expect(run('format-disk').status).toBe(64);
  });

  it('when staff ask for a restart, then it is scheduled a minute ahead, so the agent can acknowledge first', () => {
    expect(run('restart').status).toBe(0);
    expect(fs.readFileSync(calls, 'utf8')).toContain('shutdown -r +1');
  });
});
