// The CSRF cookie is not a value that follows a device across days: its secret is the day's.
import request from 'supertest';
import { makeTestApp, type TestContext } from '../helpers/test-deps';

const cookieOf = (res: request.Response): string | undefined =>
  ((res.headers['set-cookie'] as unknown as string[] | undefined) ?? []).map((c) => c.split(';')[0]!).find((c) => c.startsWith('th_csrf='));
const tokenOf = (res: request.Response): string => /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1] ?? '';

/** Loads the welcome page, lets `laterMs` pass, then sends its form. */
async function acceptLater(ctx: TestContext, ip: string, laterMs: number): Promise<request.Response> {
  const page = await request(ctx.app).get('/').set('X-Test-Client', ip);
  ctx.clock.advance(laterMs);
  return request(ctx.app)
    .post('/accept')
    .set('X-Test-Client', ip)
    .set('Accept', 'text/html')
    .set('Cookie', cookieOf(page)!)
    .type('form')
    .send({ _csrf: tokenOf(page), accept: 'yes' });
}

describe('CSRF cookie across days', () => {
  let ctx: TestContext;
  afterEach(() => ctx?.close());

  it('when a browser comes back the next day with its cookie, then it gets a different cookie value', async () => {
    ctx = await makeTestApp({ now: '2026-11-18T23:50:00Z' });
    const first = await request(ctx.app).get('/').set('X-Test-Client', '10.40.0.7');
    const day1 = cookieOf(first)!;
    expect(day1).toBeDefined();
    // Same day: the cookie is kept.
    ctx.clock.advance(5 * 60_000);
    const again = await request(ctx.app).get('/').set('X-Test-Client', '10.40.0.7').set('Cookie', day1);
    expect(cookieOf(again) ?? day1).toBe(day1);

    // Across midnight: the page sets a new value.
    ctx.clock.advance(10 * 60_000);
    const nextDay = await request(ctx.app).get('/').set('X-Test-Client', '10.40.0.7').set('Cookie', day1);
    const day2 = cookieOf(nextDay);
    expect(day2).toBeDefined();
    expect(day2).not.toBe(day1);
    expect(day2!.slice('th_csrf='.length)).not.toContain(day1.slice('th_csrf='.length).split('%7C')[0]!);
  });

  it('when a form is loaded before midnight and sent just after, then it is accepted', async () => {
    ctx = await makeTestApp({ now: '2026-11-18T23:59:00Z' });
    const res = await acceptLater(ctx, '10.40.0.8', 2 * 60_000);
    expect(res.status).not.toBe(403);
  });

  it('when a form from two days ago is sent, then it is refused', async () => {
    ctx = await makeTestApp({ now: '2026-11-18T12:00:00Z' });
    const res = await acceptLater(ctx, '10.40.0.9', 2 * 86_400_000);
    expect(res.status).toBe(403);
  });
});
