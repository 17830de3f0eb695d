// Odd input found by review: cookies that cookie-parser decodes as JSON, report times that are
// no dates, API paths that do not exist, and stack positions that look like IPv6 addresses.
import { staffTranslator } from '../../src/i18n/staff/translate';
import request from 'supertest';
import { redactString } from '../../src/privacy/redact';
import { healthReportSchema } from '../../src/workstations/protocol';
import { fleetFormat } from '../../src/staff/fleet-format';
import { makeTestApp, type TestContext } from '../helpers/test-deps';

describe('hardening', () => {
  let ctx: TestContext;
  afterEach(() => ctx?.close());

  it.each(['j:{"a":1}', 'j:1', 'j:[1]'])('when the CSRF cookie is the JSON value %s, then the page still renders', async (value) => {
    ctx = await makeTestApp();
    const res = await request(ctx.app).get('/').set('X-Test-Client', '10.40.0.1').set('Cookie', `th_csrf=${value}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('name="_csrf"');
  });

  it('when an unknown API path is asked for, then a JSON 404 names the method and path', async () => {
    ctx = await makeTestApp();
    const res = await request(ctx.app).post('/api/agent/v1/nothing').set('X-Test-Client', '10.40.0.2');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe('There is no API endpoint for POST /api/agent/v1/nothing. Check the method and the path in the documentation.');
  });

  it('when a report says it was measured in the year 285,000, then the schema refuses it', () => {
    const shape = healthReportSchema.shape.at;
    expect(shape.safeParse(Number.MAX_SAFE_INTEGER).success).toBe(false);
    expect(shape.safeParse(Date.UTC(2026, 10, 21)).success).toBe(true);
  });

  it('when a stored time is no date, then the fleet pages show a dash', () => {
    expect(fleetFormat('UTC', Date.now(), staffTranslator('en')).time(9e15)).toBe('—');
  });

  it('when a stack trace is logged, then line and column survive but addresses do not', () => {
    expect(redactString('at f (/srv/app/dist/index.cjs:123:45)')).toBe('at f (/srv/app/dist/index.cjs:123:45)');
    expect(redactString('client 2001:4860:4860::8888 and fe80::1 and ::1')).toBe('client [redacted] and [redacted] and [redacted]');
    expect(redactString('from 10.1.2.3 mac a4:5e:60:d1:22:9f')).toBe('from [redacted] mac [redacted]');
  });
});
