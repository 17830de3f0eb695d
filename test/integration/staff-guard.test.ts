// Walks every route registered on the staff app (from Express's own router stack) and proves the
// guards: signed out → sign-in page or 401; staff → 403 on admin pages; admin → through.
import request from 'supertest';
import type { Express } from 'express';
import { ADMIN_PATHS } from '../../src/staff/routes';
import { makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';

interface Route {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every method and path registered on the app, nested routers included. */
function routesOf(app: Express): Route[] {
  const out: Route[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) for (const method of Object.keys(layer.route.methods)) out.push({ method: method.toUpperCase(), path });
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack);
  return out;
}

/** Fills route parameters with plausible values. */
function concrete(path: string): string {
  return path
    .replace(':zoneId', 'wifi')
    .replace(':username', 'ada')
    .replace(':batchId', 'abc123')
    .replace(':kind', 'day')
    .replace(':value', '2026-11-18');
}

const PUBLIC = ['/staff/login', '/staff/setup'];
const OPS = ['/healthz', '/readyz', '/metrics', '/'];
const isAdminPath = (p: string) => ADMIN_PATHS.some((a) => p === a || p.startsWith(`${a}/`));

describe('staff route guards', () => {
  let ctx: StaffContext;
  let routes: Route[];
  beforeAll(async () => {
    ctx = await makeStaffApp();
    routes = routesOf(ctx.staffApp).filter((r) => r.path.startsWith('/staff'));
  });
  afterAll(() => ctx.close());

  it('when the staff app is built, then its routes are found and cover every area', () => {
    const paths = new Set(routes.map((r) => r.path));
    for (const p of ['/staff', '/staff/sessions', '/staff/passes', '/staff/stats', '/staff/policies', '/staff/accounts', '/staff/audit', '/staff/login', '/staff/setup', '/staff/logout']) {
      expect(paths).toContain(p);
    }
    expect(routes.length).toBeGreaterThan(20);
    // Nothing outside /staff except the operations endpoints and the root redirect.
    for (const r of routesOf(ctx.staffApp).filter((x) => !x.path.startsWith('/staff'))) expect(OPS).toContain(r.path);
  });

  it('when nobody is signed in, then every route but sign-in and setup redirects to sign-in (pages) or answers 401', async () => {
    for (const r of routes.filter((x) => !PUBLIC.includes(x.path) && x.path !== '/staff/logout')) {
      const url = concrete(r.path);
      const res = r.method === 'GET' ? await request(ctx.staffApp).get(url).set('Accept', 'text/html') : await request(ctx.staffApp).post(url).type('form').send({});
      if (r.method === 'GET') {
        expect({ route: `${r.method} ${r.path}`, status: res.status, location: res.headers.location }).toEqual({
          route: `${r.method} ${r.path}`,
          status: 303,
          location: `/staff/login?next=${encodeURIComponent(url)}`,
        });
        const api = await request(ctx.staffApp).get(url).set('Accept', 'application/json');
        expect({ route: r.path, status: api.status }).toEqual({ route: r.path, status: 401 });
      } else {
        expect({ route: `${r.method} ${r.path}`, status: res.status }).toEqual({ route: `${r.method} ${r.path}`, status: 401 });
      }
    }
  });

  it('when a staff member (not an admin) is signed in, then every admin route answers 403 and the others do not', async () => {
    const staff = await signedIn(ctx, 'sam', 'staff');
    const token = await staff.token('/staff');
    // Signing out goes last: it ends the session the other requests use.
    const ordered = routes.filter((x) => !PUBLIC.includes(x.path)).sort((a, b) => Number(a.path === '/staff/logout') - Number(b.path === '/staff/logout'));
    for (const r of ordered) {
      const url = concrete(r.path);
      const res = r.method === 'GET' ? await staff.get(url) : await staff.post(url, { _csrf: token });
      const label = `${r.method} ${r.path}`;
      if (isAdminPath(r.path)) expect({ label, status: res.status }).toEqual({ label, status: 403 });
      else expect({ label, denied: res.status === 401 || res.status === 403 }).toEqual({ label, denied: false });
    }
  });

  it('when an admin is signed in, then admin routes let them through', async () => {
    const admin = await signedIn(ctx, 'ada', 'admin');
    for (const r of routes.filter((x) => x.method === 'GET' && isAdminPath(x.path))) {
      const res = await admin.get(concrete(r.path));
      expect({ path: r.path, status: res.status }).toEqual({ path: r.path, status: 200 });
    }
  });

  it('when a staff page is answered, then it is never cached and carries a strict CSP', async () => {
    const staff = await signedIn(ctx, 'sue', 'staff');
    const res = await staff.get('/staff');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(res.text).not.toMatch(/style=|<style|<script>/);
  });
});
