// Route fuzz (fast-check): the route list is read from the apps' routers, and every route on
// every listener (portal, portal over HTTPS with the agent API, staff console) gets malformed
// requests of every kind — methods, odd paths and parameters, bodies, content types, headers,
// cookies, tokens — on SQLite and on Redis. Any 5xx, hang or leaked stack fails the test.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import fc from 'fast-check';
import request from 'supertest';
import { createApp } from '../../src/app';
import { AGENT_API_BASE } from '../../src/workstations/protocol';
import { makeStaffApp, signedIn, type StaffContext } from '../helpers/staff';

const METHODS = ['get', 'head', 'post', 'put', 'patch', 'delete', 'options'] as const;
type Method = (typeof METHODS)[number];
/** Prefixes routers may be mounted under (Express keeps no readable mount path). */
const MOUNTS = [AGENT_API_BASE, ''];
/** The fuzz's share of the time budget per store; the sweep of every route comes first. */
const FUZZ_MS = 6_000;
/** Signs of an internal leaking: a stack frame, a source path, an exception's name. */
const LEAK = /(\.(ts|js):\d+:\d+)|node_modules|\bat [\w.<>]+ \(|\b(TypeError|ReferenceError|RangeError|SyntaxError|SqliteError|ReplyError):/;

interface Listener {
  name: string;
  app: Express;
  /** The app listening on a loopback port of its own, so each request need not start a server. */
  url: string;
  routes: { path: string; methods: string[] }[];
}

interface RouterLayer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: RouterLayer[] };
  match?: (path: string) => boolean;
}

/** Every route of an app, with its full path, read from its router stack. */
function routesOf(app: Express): { path: string; methods: string[] }[] {
  const out: { path: string; methods: string[] }[] = [];
  const walk = (stack: RouterLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) out.push({ path: prefix + layer.route.path, methods: Object.keys(layer.route.methods) });
      else if (layer.handle?.stack) {
        const mount = MOUNTS.find((m) => m !== '' && layer.match?.(`${m}/`) && !layer.match?.('/')) ?? '';
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk((app as unknown as { router: { stack: RouterLayer[] } }).router.stack, '');
  return out;
}

const oddSegment = fc.oneof(
  fc.constantFrom('x', '..', '%2e%2e', '%00', '%ZZ', '%2F%2Fevil.example', '\\evil', 'ÿ', '%F0%9F%92%A9', 'a'.repeat(300), '-1', '0', '1e309', 'NaN', '__proto__', 'constructor', 'wifi', 'kiosk-01', 'ada'),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
);

/** A concrete path for a route pattern: parameters filled with odd values, sometimes more. */
function pathFor(pattern: string, seg: string, extra: string): string {
  const p = pattern.replace(/:\w+/g, seg).replace(/\*\w*/g, seg);
  return extra ? `${p}/${extra}` : p;
}

const query = fc.oneof(
  fc.constant(''),
  fc.constantFrom('?lang=fr', '?lang=%00', '?next=//evil.example', '?next=/%5Cevil', '?code=AAA%20AAA', '?a[b][c]=1&a=2', '?zone=' + 'z'.repeat(500), '?from=-1&to=1e400', '?notice=<script>', '?%', '?lang[]=en&lang[]=fr'),
  fc.string({ maxLength: 30 }).map((s) => `?q=${encodeURIComponent(s)}&${encodeURIComponent(s)}=1`),
);

const body = fc.oneof(
  fc.record({ type: fc.constant('application/json'), data: fc.oneof(fc.json(), fc.constantFrom('{', '[1,', '"x"', 'null', '{"__proto__":{"x":1}}', '{"code":{"$gt":""}}')) }),
  fc.record({ type: fc.constant('application/x-www-form-urlencoded'), data: fc.oneof(fc.constantFrom('%', 'a=%ZZ', '_csrf=x&accept=yes', 'code[]=1&code[]=2', 'minutes=1e999', 'username=' + 'a'.repeat(5000)), fc.string({ maxLength: 200 })) }),
  fc.record({ type: fc.constantFrom('text/plain', 'multipart/form-data; boundary=zz', 'application/xml', 'application/json; charset=utf-7', 'garbage/x;;=', ''), data: fc.string({ maxLength: 300 }) }),
  fc.constant(undefined),
);

const headers = fc.record(
  {
    accept: fc.constantFrom('text/html', 'application/json', '*/*', 'application/captive+json', 'garbage', ''),
    'accept-language': fc.constantFrom('fr', 'ar;q=0.9,*;q=0.1', 'xx-YY', ';;;', 'en'.repeat(200)),
    cookie: fc.constantFrom('th_staff=garbage', 'th_csrf=x; th_staff_csrf=y', '=;;=', 'th_staff=' + 'A'.repeat(4000), '%'),
    authorization: fc.constantFrom('Bearer ', 'Bearer garbage', 'Basic Zm9vOmJhcg==', 'Bearer ' + 'A'.repeat(43)),
    'x-csrf-token': fc.constantFrom('garbage', ''),
    'content-length': fc.constant(undefined),
  },
  { requiredKeys: [] },
);

interface Shot {
  listener: number;
  route: number;
  method: Method;
  seg: string;
  extra: string;
  query: string;
  body: { type: string; data: unknown } | undefined;
  headers: Record<string, string | undefined>;
  signedIn: boolean;
}

async function fire(listeners: Listener[], staffCookie: string, agentToken: string, s: Shot): Promise<void> {
  const l = listeners[s.listener % listeners.length]!;
  const r = l.routes[s.route % l.routes.length]!;
  const url = pathFor(r.path, s.seg, s.extra) + s.query;
  let req = request(l.url)[s.method](url).set('X-Test-Client', '10.90.0.7').timeout({ response: 10_000, deadline: 15_000 });
  for (const [k, v] of Object.entries(s.headers)) if (v !== undefined) req = req.set(k, v);
  if (s.signedIn) req = req.set('Cookie', staffCookie).set('Authorization', `Bearer ${agentToken}`);
  if (s.body && s.method !== 'get' && s.method !== 'head') {
    if (s.body.type) req = req.set('Content-Type', s.body.type);
    req = req.send(typeof s.body.data === 'string' ? s.body.data : JSON.stringify(s.body.data));
  }
  const res = await req.catch((err: Error & { timeout?: number; response?: request.Response }) => {
    if (err.response) return err.response;
    throw new Error(`${s.method.toUpperCase()} ${url} on ${l.name}: no answer (${err.message})`);
  });
  const text = res.text ?? '';
  expect({ at: `${s.method.toUpperCase()} ${url} on ${l.name}`, status: res.status < 500, leak: LEAK.exec(text)?.[0] ?? null }).toEqual({
    at: `${s.method.toUpperCase()} ${url} on ${l.name}`,
    status: true,
    leak: null,
  });
}

describe.each([
  ['sqlite', false],
  ['redis', true],
])('route fuzz on %s', (_name, redis) => {
  let ctx: StaffContext;
  let listeners: Listener[];
  let staffCookie: string;
  let agentToken: string;
  const servers: http.Server[] = [];

  beforeAll(async () => {
    ctx = await makeStaffApp({ redis, config: { zones: [{ id: 'wifi', name: 'Wi-Fi', subnets: ['0.0.0.0/0'] }] } });
    const apps = [
      ['portal (HTTP)', createApp(ctx.deps, { surfaces: ['portal'] })],
      ['portal and agent API (HTTPS)', createApp(ctx.deps, { surfaces: ['portal', 'agent'], secure: true })],
      ['staff console', ctx.staffApp],
    ] as const;
    listeners = [];
    for (const [name, app] of apps) {
      const server = http.createServer(app);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      servers.push(server);
      listeners.push({ name, app, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, routes: routesOf(app) });
    }
    const admin = await signedIn(ctx, 'ada', 'admin');
    staffCookie = [...admin.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const { code } = await ctx.deps.workstations.createCode({});
    agentToken = (await ctx.deps.workstations.enrol({ code, name: 'kiosk-01' })).token;
    // A patron online, so portal pages past the splash are reached too.
    await ctx.deps.sessions.grant({ ip: '10.90.0.7' });
  });
  afterAll(async () => {
    for (const s of servers.splice(0)) await new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections(); });
    await ctx.close();
  });

  it('when the routers are read, then every listener has its routes, the agent API under its base', () => {
    const all = listeners.flatMap((l) => l.routes.map((r) => r.path));
    expect(all).toEqual(expect.arrayContaining(['/accept', '/api/captive', '/staff/login', '/staff/policies/:zoneId', `${AGENT_API_BASE}/heartbeat`]));
  });

  it('when every route gets every method (signed in on the staff console and the agent API), then none answers 5xx, hangs or leaks', async () => {
    for (const [li, l] of listeners.entries()) {
      for (const [ri, r] of l.routes.entries()) {
        const signed = l.app === ctx.staffApp || r.path.startsWith(AGENT_API_BASE);
        await Promise.all(
          METHODS.map((method) =>
            fire(listeners, staffCookie, agentToken, { listener: li, route: ri, method, seg: 'x', extra: '', query: '', body: { type: 'application/x-www-form-urlencoded', data: 'a=1' }, headers: {}, signedIn: signed }),
          ),
        );
      }
    }
  }, 60_000);

  it('when malformed requests of every kind are sent to every route, then none answers 5xx, hangs or leaks', async () => {
    const shot: fc.Arbitrary<Shot> = fc.record({
      listener: fc.nat(),
      route: fc.nat(),
      method: fc.constantFrom(...METHODS),
      seg: oddSegment,
      extra: fc.oneof(fc.constant(''), oddSegment),
      query,
      body,
      headers,
      signedIn: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(shot, (s) => fire(listeners, staffCookie, agentToken, s)),
      { numRuns: 2000, interruptAfterTimeLimit: FUZZ_MS, markInterruptAsFailure: false },
    );
  }, 60_000);
});
