// The logger's two formats: JSON lines for log shippers, readable lines for journalctl; both
// redacted the same way, before the line is written.
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/load';
import { createLogger, logFormatFrom, type LogFormat } from '../../src/logger';
import { waitFor } from '../helpers/wait';

const ADDRESSES = ['192.0.2.20', '2001:db8::7', 'aa:bb:cc:dd:ee:ff', '10.1.2.3'];

async function logOnce(format: LogFormat): Promise<string> {
  let text = '';
  const sink = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
  const logger = createLogger('info', sink, format);
  logger.info({ ip: '10.1.2.3', zone: 'wifi', err: new Error('no route to 2001:db8::7') }, 'session started for 192.0.2.20 (aa:bb:cc:dd:ee:ff)');
  logger.flush();
  return waitFor(async () => text, (t) => t.includes('\n'));
}

describe('log formats', () => {
  it('when the format is json, then each entry is one JSON object with every address redacted', async () => {
    const line = await logOnce('json');
    const entry = JSON.parse(line) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 30, msg: 'session started for [redacted] ([redacted])', ip: '[redacted]', zone: 'wifi' });
    for (const a of ADDRESSES) expect(line).not.toContain(a);
  });

  it('when the format is pretty, then each entry is one readable line, with every address redacted', async () => {
    const text = await logOnce('pretty');
    expect(text.split('\n').filter(Boolean)).toHaveLength(1);
    expect(text).toMatch(/^INFO: session started for \[redacted\] \(\[redacted\]\) /);
    expect(text).toContain('"zone":"wifi"');
    expect(text).toContain('no route to [redacted]');
    expect(() => JSON.parse(text)).toThrow();
    for (const a of ADDRESSES) expect(text).not.toContain(a);
    // No colour codes: journalctl and log files would show them as escapes.
    expect(text).not.toContain('\u001b[');
  });

  it('when LOG_FORMAT is set, then the configuration takes it, and refuses anything but json or pretty', () => {
    expect(loadConfig({}).logFormat).toBe('json');
    expect(loadConfig({ LOG_FORMAT: 'pretty' }).logFormat).toBe('pretty');
    expect(() => loadConfig({ LOG_FORMAT: 'xml' })).toThrow(/LOG_FORMAT \(logFormat\): got "xml"/);
    expect(logFormatFrom(undefined)).toBe('json');
    expect(logFormatFrom('pretty')).toBe('pretty');
    expect(() => logFormatFrom('text')).toThrow('LOG_FORMAT must be "json" (for log shippers) or "pretty" (readable lines), not "text".');
  });
});

describe('errors in the log', () => {
  it('when an error is logged on its own, then its message is redacted in the text as well as in the fields', async () => {
    let text = '';
    const sink = new Writable({ write: (c, _e, cb) => ((text += String(c)), cb()) });
    const logger = createLogger('info', sink);
    logger.error(new Error('connect ECONNREFUSED 10.1.2.3:6379 from aa:bb:cc:dd:ee:ff'));
    logger.flush();
    const line = await waitFor(async () => text, (t) => t.includes('\n'));
    expect(JSON.parse(line)).toMatchObject({ msg: 'connect ECONNREFUSED [redacted]:6379 from [redacted]', err: { message: 'connect ECONNREFUSED [redacted]:6379 from [redacted]' } });
    for (const a of ADDRESSES) expect(line).not.toContain(a);
  });
});
