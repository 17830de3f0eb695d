// Answers the operating systems' captive-portal checks, from memory, on any Host. This is the
// hottest path on the gateway, so it runs before Express and never touches the store.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientResolver } from '../http/client';
import type { SessionService } from '../sessions/session-service';

type Answer = { status: number; type?: string; body?: string; location?: string };

const APPLE: Answer = { status: 200, type: 'text/html', body: '<HTML><HEAD><TITLE>Success</TITLE></HEAD><BODY>Success</BODY></HTML>' };

/** What each probe expects when the client is online. */
export const ONLINE_ANSWERS: Record<string, Answer> = {
  '/hotspot-detect.html': APPLE,
  '/library/test/success.html': APPLE,
  '/generate_204': { status: 204 },
  '/gen_204': { status: 204 },
  '/connecttest.txt': { status: 200, type: 'text/plain', body: 'Microsoft Connect Test' },
  '/ncsi.txt': { status: 200, type: 'text/plain', body: 'Microsoft NCSI' },
  '/redirect': { status: 302, location: '/status' },
  '/canonical.html': {
    status: 200,
    type: 'text/html',
    body: '<meta http-equiv="refresh" content="0;url=https://support.mozilla.org/kb/captive-portal"/>',
  },
  '/success.txt': { status: 200, type: 'text/plain', body: 'success\n' },
};

/**
 * Returns a handler that answers a probe and returns true, or returns false for anything else.
 * Clients without a session are redirected to the splash page.
 */
export function createProbeHandler(sessions: SessionService, resolveClient: ClientResolver, splashUrl: string) {
  const cached = new Map<string, Buffer>();
  for (const [k, a] of Object.entries(ONLINE_ANSWERS)) if (a.body) cached.set(k, Buffer.from(a.body));
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const online = ONLINE_ANSWERS[path];
    if (!online) return false;
    const session = sessions.lookup(resolveClient(req).ip);
    if (!session) {
      res.writeHead(302, { Location: splashUrl, 'Cache-Control': 'no-store', 'Content-Length': '0' });
      res.end();
      return true;
    }
    const body = cached.get(path);
    const headers: Record<string, string> = { 'Cache-Control': 'no-store' };
    if (online.type) headers['Content-Type'] = `${online.type}; charset=utf-8`;
    if (online.location) headers.Location = online.location;
    headers['Content-Length'] = String(body?.length ?? 0);
    res.writeHead(online.status, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
