// The example Linux hook (deploy/agent/linux/guest-hooks.sh) on a fake guest home: the wipe
// leaves no download, history, cookie or cache behind. loginctl, pkill and friends are stubbed,
// so no real account or process is touched.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const HOOK = path.join(__dirname, '..', '..', 'deploy', 'agent', 'linux', 'guest-hooks.sh');

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
    const files: Record<string, string> = {
      'Downloads/cv-jane-doe.pdf': 'x',
      '.mozilla/firefox/abc.default/places.sqlite': 'history',
      '.mozilla/firefox/abc.default/cookies.sqlite': 'cookies',
      '.cache/mozilla/firefox/abc.default/cache2/entry': 'cache',
      '.config/chromium/Default/History': 'history',
      '.config/google-chrome/Default/Cookies': 'cookies',
      'Documents/letter.odt': 'x',
      '.local/share/recently-used.xbel': 'recent',
    };
    for (const [f, content] of Object.entries(files)) {
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

  it('when a session ends, then the guest is logged out and the home is back to the skeleton, with nothing printed', () => {
    const res = run('session-end', { THRESHOLD_END_REASON: 'staff' });
    expect(res.status).toBe(0);
    expect(res.stdout + res.stderr).toBe('');
    expect(fs.readFileSync(calls, 'utf8')).toContain('loginctl terminate-user guest');
    const left = spawnSync('find', [home, '-mindepth', '1'], { encoding: 'utf8' }).stdout.trim().split('\n').map((p) => path.relative(home, p)).sort();
    expect(left).toEqual(['Desktop', 'Desktop/Welcome.txt', 'Downloads']);
  });

  it('when there is no skeleton, then downloads, browser data and caches still go, and other files stay', () => {
    const res = run('session-end', { THRESHOLD_GUEST_SKELETON: path.join(dir, 'none') });
    expect(res.status).toBe(0);
    for (const gone of ['Downloads/cv-jane-doe.pdf', '.mozilla', '.cache', '.config/chromium', '.config/google-chrome', '.local/share/recently-used.xbel']) {
      expect({ gone, exists: fs.existsSync(path.join(home, gone)) }).toEqual({ gone, exists: false });
    }
    expect(fs.existsSync(path.join(home, 'Documents/letter.odt'))).toBe(true);
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
