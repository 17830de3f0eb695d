// The RFC 8908 Captive Portal API: a client learns whether it is captive, and only about itself.
import { Router } from 'express';
import { couldExtend } from '../domain/quota';
import type { Deps } from '../deps';
import { portalBaseUrl } from './urls';

export function captiveApiRouter(deps: Deps): Router {
  const router = Router();
  router.get('/api/captive', (req, res) => {
    const client = deps.resolveClient(req);
    const session = deps.sessions.lookup(client.ip);
    const base = portalBaseUrl(deps.config, req);
    const body: Record<string, unknown> = {
      captive: !session,
      'user-portal-url': `${base}/`,
    };
    if (deps.config.venueInfoUrl) body['venue-info-url'] = deps.config.venueInfoUrl;
    else body['venue-info-url'] = `${base}/learn`;
    if (session) {
      const policy = deps.sessions.policies.peek(session.record.zoneId);
      body['seconds-remaining'] = deps.sessions.secondsLeft(session);
      body['can-extend-session'] = policy ? couldExtend(policy, deps.sessions.secondsLeft(session), session.record.via) : false;
      // Only when the zone has a data allowance (and a firewall that counts bytes).
      const bytes = deps.sessions.bytesLeft(session);
      if (bytes !== undefined) body['bytes-remaining'] = bytes;
    } else {
      body['can-extend-session'] = false;
    }
    res.set('Cache-Control', 'private').type('application/captive+json').send(JSON.stringify(body));
  });
  return router;
}
