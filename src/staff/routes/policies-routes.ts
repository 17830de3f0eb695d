// Zone policies (admin only): the rules of each zone, edited live. A change applies to new
// sessions at once; the admin chooses whether running sessions are shortened too.
import { Router, type Response } from 'express';
import type { Zone } from '../../config/schema';
import type { Deps } from '../../deps';
import type { AuditPart } from '../audit-text';
import type { Csrf } from '../../http/csrf';
import { notFound } from '../../http/errors';
import { param, staffOf } from '../guards';
import { parsePolicyForm, pickFormValues, policyToForm, WEEKDAY_NAMES, type PolicyFormValues } from '../policy-form';
import { describePolicyChange } from '../policy-change';

export function policiesRoutes(deps: Deps, csrf: Csrf): Router {
  const r = Router();

  const zoneOf = (id: string): Zone => {
    const zone = deps.config.zones.find((z) => z.id === id);
    if (!zone) throw notFound(`There is no zone "${id}". Pick a zone from the list of policies.`);
    return zone;
  };

  const renderForm = (res: Response, status: number, zone: Zone, values: PolicyFormValues, errors: Record<string, string> = {}) =>
    res.status(status).render('staff/policy-form', { zone, values, errors, weekdays: WEEKDAY_NAMES });

  r.get('/staff/policies', async (req, res) => {
    const zones = [];
    for (const z of deps.config.zones) zones.push({ zone: z, policy: await deps.sessions.policies.get(z.id) });
    const saved = typeof req.query.saved === 'string' ? deps.config.zones.find((z) => z.id === req.query.saved) : undefined;
    const shortened = Number(req.query.shortened) || 0;
    res.render('staff/policies', { zones, saved, shortened });
  });

  r.get('/staff/policies/:zoneId', async (req, res) => {
    const zone = zoneOf(param(req, 'zoneId'));
    renderForm(res, 200, zone, policyToForm(await deps.sessions.policies.get(zone.id)));
  });

  r.post('/staff/policies/:zoneId', csrf.protect, csrf.provide, async (req, res) => {
    const zone = zoneOf(param(req, 'zoneId'));
    const values = pickFormValues(req.body);
    const parsed = parsePolicyForm(values);
    if (!parsed.ok) return renderForm(res, 400, zone, values, parsed.errors);
    const before = await deps.sessions.policies.get(zone.id);
    await deps.sessions.policies.set(zone.id, parsed.policy);
    // Running sessions: this gateway's at once; other gateways' through the store (their reconcile applies them).
    const shortened = parsed.shortenRunning
      ? (await deps.sessions.applyPolicyToRunning(zone.id, parsed.policy)) + (await deps.staff.remote.applyPolicy(zone.id, parsed.policy))
      : 0;
    const change = describePolicyChange(before, parsed.policy);
    const detail: AuditPart[] = [...(change.length ? change : [{ key: 'audit.policyNone' } as const]), ...(parsed.shortenRunning ? [{ key: 'audit.policyShortened', vars: { n: shortened } } as const] : [])];
    await deps.staff.audit.record(staffOf(res).username, 'policy.update', zone.id, detail);
    res.redirect(303, `/staff/policies?saved=${encodeURIComponent(zone.id)}&shortened=${shortened}`);
  });

  return r;
}
