import { redactString, REDACTED as R } from '../../src/privacy/redact';

describe('log redaction', () => {
  it.each([
    ['colon MAC', 'mac a4:5e:60:d1:22:9f seen'],
    ['upper-case colon MAC', 'mac A4:5E:60:D1:22:9F seen'],
    ['dash MAC', 'mac a4-5e-60-d1-22-9f seen'],
    ['bare-hex MAC', 'mac a45e60d1229f seen'],
    ['upper-case bare-hex MAC', 'mac A45E60D1229F seen'],
    ['Cisco-dotted MAC', 'mac a45e.60d1.229f seen'],
    ['upper-case Cisco-dotted MAC', 'mac A45E.60D1.229F seen'],
    ['dotted IPv4', 'from 10.1.2.3 seen'],
    ['dotted IPv4 with port', 'from 10.1.2.3:8080 seen'],
    ['dotted-hex IPv4', 'from 0x0a.0x01.0x02.0x03 seen'],
    ['hex IPv4', 'from 0x0A010203 seen'],
    ['/proc/net hex IPv4 and port', 'from 0302010A:1F90 seen'],
    ['decimal IPv4', 'from 167838211 seen'],
    ['full IPv6', 'from 2001:0db8:0000:0000:0000:ff00:0042:8329 seen'],
    ['IPv6 with every group, no leading zeros', 'from 2001:db8:0:0:0:ff00:42:8329 seen'],
    ['upper-case compressed IPv6', 'from 2001:DB8::FF00:42:8329 seen'],
    ['IPv6 ending in "::"', 'from 2001:db8:91:: seen'],
    ['compressed IPv6', 'from 2001:db8::ff00:42:8329 seen'],
    ['loopback IPv6', 'from ::1 seen'],
    ['link-local IPv6 with zone', 'from fe80::1%eth0 seen'],
    ['v4-mapped IPv6', 'from ::ffff:10.1.2.3 seen'],
    ['bracketed IPv6 with port', 'from [2001:db8::1]:443 seen'],
  ])('when a log line holds a %s, then it is redacted', (_shape, line) => {
    const out = redactString(line);
    expect(out).toMatch(/^(from|mac) \[?\[redacted\]\]?(:\d+)? seen$/);
  });

  it('when a v4-mapped address is redacted, then it becomes one marker, not two', () => {
    expect(redactString('x ::ffff:10.1.2.3 y')).toBe(`x ${R} y`);
  });

  it.each([
    ['a clock time', 'at 10:23:20 today'],
    ['a stack position', 'at f (/srv/app/dist/index.cjs:123:45)'],
    ['a Node internal stack position', 'at process.processTicksAndRejections (node:internal/process/task_queues:95:5)'],
    ['a bare stack position', 'from task_queues:95:5'],
    ['a stack frame without a function name', 'at node:internal/main/run_main_module:28:49'],
    ['a file with a hex-looking name', 'at f (/srv/app/cafe:95:5)'],
    ['a small number', 'took 1234567 us'],
    ['a version', 'node 20.11.1 ready'],
    ['a SHA-256 digest', 'digest 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
    ['an ISO time', '2026-12-01T10:23:20.123Z'],
  ])('when a log line holds %s, then it is left alone', (_what, line) => {
    expect(redactString(line)).toBe(line);
  });

  it('when a whole Node stack trace is redacted, then every frame keeps its line and column', () => {
    const stack = [
      'Error: connect ECONNREFUSED 10.1.2.3:6379',
      '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)',
      '    at listOnTimeout (node:internal/timers:594:17)',
      '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
      '    at async Promise.all (index 0)',
      '    at async SessionService.grant (/usr/lib/threshold/dist/sessions/session-service.js:161:20)',
    ].join('\n');
    expect(redactString(stack)).toBe(stack.replace('10.1.2.3', R));
  });
});

