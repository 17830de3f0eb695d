// HEAD is answered like GET, without a body, on every page with a form (it once gave a 500:
// the form token was only made for GET).
import request from 'supertest';
import { signedIn, makeStaffApp, type StaffContext } from '../helpers/staff';

describe('HEAD on pages with forms', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it.each(['/staff/login', '/staff/accounts', '/staff/passes', '/staff/policies/wifi', '/staff/sessions', '/staff'])('when %s is asked for with HEAD, then the answer is the GET status with no body', async (path) => {
    ctx = await makeStaffApp();
    const admin = await signedIn(ctx, 'ada', 'admin');
    const cookie = [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const get = await request(ctx.staffApp).get(path).set('X-Test-Client', admin.ip).set('Accept', 'text/html').set('Cookie', cookie);
    const head = await request(ctx.staffApp).head(path).set('X-Test-Client', admin.ip).set('Accept', 'text/html').set('Cookie', cookie);
    expect(head.status).toBe(get.status);
    expect(head.status).toBeLessThan(500);
    expect(head.text ?? '').toBe('');
  });

  it('when the sign-in page is asked for with HEAD and no session, then it is a 200', async () => {
    ctx = await makeStaffApp();
    expect((await request(ctx.staffApp).head('/staff/login').set('Accept', 'text/html')).status).toBe(200);
  });
});
