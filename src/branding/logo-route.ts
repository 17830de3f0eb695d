// Serves the library's logo from the gateway itself, at an address that changes with the picture
// (so browsers may keep it a year). An SVG gets a CSP of its own: opened directly it can run
// nothing and fetch nothing (it was cleaned on upload too; this is the second line of defence).
import { Router } from 'express';
import type { Deps } from '../deps';
import { notFound } from '../http/errors';

export const SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox";

/** `base`: where the route hangs (the console serves it under /staff, behind its sign-in). */
export function logoRouter(deps: Pick<Deps, 'library'>, base = ''): Router {
  const r = Router();
  r.get(`${base}/branding/:file`, async (req, res) => {
    const [, hash = '', ext = ''] = /^logo-([0-9a-f]{16})\.(png|svg)$/.exec(String(req.params.file)) ?? [];
    const logo = hash ? await deps.library.logoFor(hash).catch(() => undefined) : undefined;
    if (!logo || (logo.type === 'image/png') !== (ext === 'png')) throw notFound('This logo is not the library\'s current one.');
    res.set({
      'Content-Type': logo.type === 'image/png' ? 'image/png' : 'image/svg+xml; charset=utf-8',
      'Cache-Control': 'public, max-age=31536000, immutable',
      'X-Content-Type-Options': 'nosniff',
      ...(logo.type === 'image/svg+xml' ? { 'Content-Security-Policy': SVG_CSP } : {}),
    });
    res.send(logo.data);
  });
  return r;
}
