import { redactString, REDACTED as R } from '../../src/privacy/redact';

describe('log redaction', () => {
  it.each([
    ['colon MAC', 'mac a4:5e:60:d1:22:9f seen'],
    ['upper-case colon MAC', 'mac A4:5E:60:D1:22:9F seen'],
    ['dash MAC', 'mac a4-5e-60-d1-22-9f seen'],
    ['bare-hex MAC', 'mac a45e60d1229f seen'],
    ['Cisco-dotted MAC', 'mac a45e.60d1.229f seen'],
    ['dotted IPv4', 'from 10.1.2.3 seen'],
    ['dotted IPv4 with port', 'from 10.1.2.3:8080 seen'],
    ['dotted-hex IPv4', 'from 0x0a.0x01.0x02.0x03 seen'],
    ['hex IPv4', 'from 0x0A010203 seen'],
    ['/proc/net hex IPv4 and port', 'from 0302010A:1F90 seen'],
    ['decimal IPv4', 'from 167838211 seen'],
    ['full IPv6', 'from 2001:0db8:0000:0000:0000:ff00:0042:8329 seen'],
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
    ['a small number', 'took 1234567 us'],
    ['a version', 'node 20.11.1 ready'],
    ['a SHA-256 digest', 'digest 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'],
    ['an ISO time', '2026-12-01T10:23:20.123Z'],
  ])('when a log line holds %s, then it is left alone', (_what, line) => {
    expect(redactString(line)).toBe(line);
  });
});
