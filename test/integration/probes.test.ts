// What operating systems ask: probes answered from memory, on any Host; and RFC 8908.
import request from 'supertest';
import { makeTestApp, Patron, type TestContext } from '../helpers/test-deps';

const ONLINE: [string, number, string | undefined][] = [
  ['/hotspot-detect.html', 200, '<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>'],
  ['/library/test/success.html', 200, '<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>'],
  ['/generate_204', 204, ''],
  ['/gen_204', 204, ''],
  ['/connecttest.txt', 200, 'Microsoft Connect Test'],
  ['/ncsi.txt', 200, 'Microsoft NCSI'],
  ['/canonical.html', 200, '<meta http-equiv="refresh" content="0;url=https://support.mozilla.org/kb/captive-portal"/>'],
  ['/success.txt', 200, 'success\n'],
];

describe('probes', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await makeTestApp();
    await new Patron(ctx.app, '10.1.0.1').accept();
  });
  afterAll(() => ctx.close());

  it.each(ONLINE)('when an online client asks %s on any Host, then it gets exactly what the OS expects', async (path, status, body) => {
    const res = await request(ctx.app).get(path).set('Host', 'captive.apple.com').set('X-Test-Client', '10.1.0.1');
    expect(res.status).toBe(status);
    expect(res.text ?? '').toBe(body);
  });

  it.each(ONLINE.map((o) => o[0]))('when a client without a session asks %s, then it is redirected to the splash page', async (path) => {
    const res = await request(ctx.app).get(path).set('Host', 'connectivitycheck.gstatic.com').set('X-Test-Client', '10.1.0.2');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/');
  });

  it('when an online Windows client opens /redirect, then it goes to its status page', async () => {
    const res = await request(ctx.app).get('/redirect').set('X-Test-Client', '10.1.0.1');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/status');
  });
});

describe('RFC 8908 API', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await makeTestApp({ config: { portalUrl: 'https://portal.library.example' } });
    await new Patron(ctx.app, '10.2.0.1').accept();
  });
  afterAll(() => ctx.close());

  it('when a captive client asks, then it is told it is captive and where the portal is', async () => {
    const res = await request(ctx.app).get('/api/captive').set('X-Test-Client', '10.2.0.2');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/captive\+json/);
    expect(res.headers['cache-control']).toBe('private');
    const body = JSON.parse(res.text);
    expect(body).toEqual({ captive: true, 'user-portal-url': 'https://portal.library.example/', 'venue-info-url': 'https://portal.library.example/learn', 'can-extend-session': false });
  });

  it('when a session has just begun a full session long, then it cannot be extended yet', async () => {
    const res = await request(ctx.app).get('/api/captive').set('X-Test-Client', '10.2.0.1');
    expect(JSON.parse(res.text)['can-extend-session']).toBe(false);
  });

  it('when an online client asks, then it learns only about its own session', async () => {
    ctx.clock.advance(60_000);
    const res = await request(ctx.app).get('/api/captive').set('X-Test-Client', '10.2.0.1');
    const body = JSON.parse(res.text);
    expect(body.captive).toBe(false);
    expect(body['seconds-remaining']).toBe(59 * 60);
    expect(body['can-extend-session']).toBe(true);
    expect(Object.keys(body).sort()).toEqual(['can-extend-session', 'captive', 'seconds-remaining', 'user-portal-url', 'venue-info-url']);
  });

  it('when the session has expired, then the client is captive again', async () => {
    ctx.clock.advance(60 * 60_000);
    const res = await request(ctx.app).get('/api/captive').set('X-Test-Client', '10.2.0.1');
    expect(JSON.parse(res.text).captive).toBe(true);
  });
});
