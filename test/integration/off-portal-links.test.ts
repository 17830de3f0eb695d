// Links built from the request path never leave the portal: the language switcher of any page,
// the 404 included, with paths such as //host, /\host and their encoded forms.
import request from 'supertest';
import { isLocalPath } from '../../src/http/local-path';
import { makeStaffApp, type StaffContext } from '../helpers/staff';

const PATHS = ['//evil.example/x', '/\\evil.example/x', '/%2F%2Fevil.example/x', '/%5Cevil.example/x', '/learn/%2F%2Fevil.example', '/staff//evil.example'];

describe('links built from the request path', () => {
  let ctx: StaffContext;
  afterEach(() => ctx.close());

  it.each(PATHS)('when a page is asked for as %j, then no link on it points off the portal', async (path) => {
    ctx = await makeStaffApp();
    // Online, so the portal answers its 404 instead of sending the client to the splash page.
    await ctx.deps.sessions.grant({ ip: '10.72.0.1' });
    for (const app of [ctx.app, ctx.staffApp]) {
      for (const lang of ['', '?lang=fr']) {
        const res = await request(app).get(path + lang).set('X-Test-Client', '10.72.0.1').set('Accept', 'text/html');
        expect(res.status).toBeLessThan(500);
        const hrefs = [...res.text.matchAll(/(?:href|action)="([^"]*)"/g)].map((m) => m[1]!.replace(/&amp;/g, '&'));
        // A link may carry the odd path as text, as long as a browser keeps it on the portal.
        for (const href of hrefs.filter((h) => /evil\.example/.test(h))) expect({ path, href, local: isLocalPath(href) }).toEqual({ path, href, local: true });
        if (res.headers.location) expect(isLocalPath(res.headers.location)).toBe(true);
      }
    }
  });
});
