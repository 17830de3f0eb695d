// The portal's own addresses, for redirects and the RFC 8908 API.
import type { Request } from 'express';
import type { Config } from '../config/schema';

/** The configured portal URL, or the scheme and Host this request came in on. */
export function portalBaseUrl(config: Config, req: Request): string {
  if (config.portalUrl) return config.portalUrl.replace(/\/+$/, '');
  const host = req.headers.host ?? `localhost:${config.port}`;
  return `${req.protocol}://${host}`;
}

/** Where a captured client is sent: the splash page. */
export function splashUrl(config: Config): string {
  return config.portalUrl ? `${config.portalUrl.replace(/\/+$/, '')}/` : '/';
}
