// The staff fleet pages: every workstation's state and health at a glance (filter by zone), a
// page per workstation with its recent health and commands, enrolment codes, retiring, and
// commands to one workstation or a whole zone. A self-contained router: the staff console
// mounts it with its own staff guard, CSRF protection and audit log; its paths start at `base`.
import express, { Router, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import type { Deps } from '../deps';
import type { Csrf } from '../http/csrf';
import { DomainError } from '../domain/errors';
import { notFound } from '../http/errors';
import { FLEET_STATES, type FleetEntry } from '../workstations/fleet-view';
import { COMMAND_KINDS, workstationNameSchema } from '../workstations/protocol';
import { DEFAULT_CODE_TTL_MINUTES } from '../workstations/workstation-service';
import { confirmation, needsConfirmation } from './fleet-confirm';
import { EXTEND_CHOICES } from './session-list';
import type { AuditDetail } from './audit-text';
import { fleetFormat, fleetLabels } from './fleet-format';
import { staffTranslator, type StaffTranslate } from '../i18n/staff/translate';

export interface FleetGuards {
  /** Lets signed-in staff through; answers everyone else (the staff console's guard). */
  requireStaff: RequestHandler;
  csrf: Csrf;
  /** Records a staff action in the console's audit log (who is taken from the response). */
  audit?: (res: Response, action: string, target: string, detail: AuditDetail) => Promise<void>;
  /** Extends a patron's session by its code, as the staff member (audited), on whichever gateway runs it. */
  extend?: (res: Response, code: string, minutes: number) => Promise<{ ok: true } | { ok: false; message: string }>;
}

type Fields = Record<string, string>;

const codeForm = z.object({ _csrf: z.string().optional(), zone: z.string().max(64).default(''), ttl: z.string().max(10).default('') }).strict();
const commandForm = z
  .object({ _csrf: z.string().optional(), zone: z.string().max(64).optional(), kind: z.string().max(32).default(''), message: z.string().max(2000).default(''), confirm: z.literal('yes').optional() })
  .strict();
const retireForm = z.object({ _csrf: z.string().optional(), confirm: z.string().optional() }).strict();
const addTimeForm = z.object({ _csrf: z.string().optional(), minutes: z.string().max(10).default('') }).strict();
const NOTICES = ['sent', 'retired', 'extended'] as const;

export function fleetRouter(deps: Deps, guards: FleetGuards, opts: { base?: string } = {}): Router {
  const router = Router();
  const base = opts.base ?? '/staff';
  const { csrf } = guards;
  const audit = guards.audit ?? (async () => undefined);
  const zones = deps.config.zones.map((z) => ({ id: z.id, name: z.name }));
  const zoneName = (id: string) => zones.find((z) => z.id === id)?.name ?? id;
  // PC commands and enrolment default to the first kiosk zone: that is where the PCs are.
  const pcZone = (deps.config.zones.find((z) => z.kind === 'kiosk') ?? deps.config.zones[0])?.id;
  // Every route: the staff guard first, then forms and what the views need.
  const english = staffTranslator('en');
  /** The staff member's translator (the console's), English where the router is mounted without one. */
  const tOf = (res: Response): StaffTranslate => (typeof res.locals.t === 'function' && 'lang' in res.locals.t ? (res.locals.t as StaffTranslate) : english);
  const page: RequestHandler[] = [guards.requireStaff, express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 20 }), (_req, res, next) => {
    const now = deps.clock.now();
    const t = tOf(res);
    Object.assign(res.locals, {
      t,
      tx: res.locals.tx ?? ((s: string | undefined) => s ?? ''),
      base,
      libraryName: res.locals.libraryName ?? deps.config.libraryName,
      fmt: fleetFormat(deps.config.timezone, now, t),
      labels: fleetLabels(t),
      portalUrl: deps.config.portalUrl?.replace(/\/+$/, ''),
      zones,
      zoneName,
      commandKinds: COMMAND_KINDS,
      // The clients view: minutes left of the kiosk session running on each PC (none: undefined).
      minutesLeft: (name: string) => {
        const s = deps.kiosks.liveSessionOf(name);
        return s && Math.ceil(s.secondsLeft / 60);
      },
      addTimeChoices: EXTEND_CHOICES,
    });
    res.set('Cache-Control', 'no-store');
    next();
  }];

  /** The fleet page, with whatever a form on it needs to show. */
  async function renderFleet(res: Response, zoneFilter: string | undefined, extra: Record<string, unknown> = {}, status = 200) {
    const entries = await deps.workstations.overview(zoneFilter);
    const counts = Object.fromEntries(FLEET_STATES.map((s) => [s, entries.filter((e) => e.state === s).length]));
    const shown = new Set(entries.map((e) => e.workstation.name));
    const misplaced = deps.kiosks.misplacedWorkstations().filter((m) => shown.has(m.name));
    res.status(status).render('staff/fleet', {
      misplaced,
      entries,
      counts,
      zoneFilter: zoneFilter ?? '',
      created: undefined,
      codeErrors: {},
      codeInput: { zone: zoneFilter ?? pcZone, ttl: String(DEFAULT_CODE_TTL_MINUTES) },
      commandErrors: {},
      commandInput: { zone: zoneFilter ?? pcZone, kind: '', message: '' },
      notice: undefined,
      ...extra,
    });
  }

  async function renderDetail(res: Response, name: string, extra: Record<string, unknown> = {}, status = 200) {
    if (!workstationNameSchema.safeParse(name).success) throw notFound(`There is no enrolled workstation named "${name}".`);
    const { entry, history, commands } = await deps.workstations.detail(name);
    res.status(status).render('staff/fleet-workstation', {
      entry: entry as FleetEntry,
      history,
      commands,
      commandErrors: {},
      commandInput: { kind: '', message: '' },
      retireError: undefined,
      addTimeError: undefined,
      notice: undefined,
      ...extra,
    });
  }

  router.get(`${base}/workstations`, ...page, csrf.provide, async (req, res) => {
    const zone = typeof req.query.zone === 'string' && zones.some((z) => z.id === req.query.zone) ? req.query.zone : undefined;
    const notice = NOTICES.find((n) => n === req.query.notice);
    const count = Number(req.query.count);
    const name = typeof req.query.name === 'string' && workstationNameSchema.safeParse(req.query.name).success ? req.query.name : undefined;
    await renderFleet(res, zone, { notice: notice && { kind: notice, count: Number.isInteger(count) ? count : undefined, name } });
  });

  router.post(`${base}/workstations/codes`, ...page, csrf.protect, csrf.provide, async (req, res) => {
    const form = codeForm.parse(req.body ?? {});
    try {
      const created = await deps.workstations.createCode({ zoneId: form.zone, ttlMinutes: form.ttl.trim() === '' ? Number.NaN : Number(form.ttl) });
      await audit(res, 'workstation.code', created.zoneId, { key: 'audit.wsCode', vars: { zone: zoneName(created.zoneId), time: res.locals.fmt.time(created.expiresAt) } });
      // Shown once, on this page: the code is never put in a URL or kept in clear.
      await renderFleet(res, undefined, { created, codeInput: { zone: form.zone, ttl: form.ttl } });
    } catch (err) {
      const fields = fieldsOf(err);
      await renderFleet(res, undefined, { codeErrors: fields, codeInput: { zone: form.zone, ttl: form.ttl } }, 400);
    }
  });

  router.post(`${base}/workstations/commands`, ...page, csrf.protect, csrf.provide, async (req, res) => {
    const form = commandForm.parse(req.body ?? {});
    const errors: Fields = {};
    if (!zones.some((z) => z.id === form.zone)) errors.zone = 'Choose a zone.';
    const kind = COMMAND_KINDS.find((k) => k === form.kind);
    if (!kind) errors.kind = 'Choose a command.';
    let sent = 0;
    if (kind && !errors.zone && form.confirm !== 'yes') {
      const problem = deps.workstations.commandProblem(kind, form.message);
      if (problem) Object.assign(errors, problem);
      else {
        const entries = await deps.workstations.overview(form.zone);
        return res.render('staff/fleet-confirm', { confirm: confirmation({ kind, message: form.message, target: { zone: form.zone!, zoneName: zoneName(form.zone!) }, entries, base, t: tOf(res) }) });
      }
    }
    if (kind && !Object.keys(errors).length) {
      try {
        sent = await deps.workstations.send({ zoneId: form.zone! }, kind, form.message);
      } catch (err) {
        Object.assign(errors, fieldsOf(err));
      }
    }
    if (Object.keys(errors).length) return renderFleet(res, undefined, { commandErrors: errors, commandInput: form }, 400);
    await audit(res, 'workstation.command', form.zone!, { key: 'audit.wsCommandZone', vars: { commandKey: `fleet.command.${kind!}`, n: sent, zone: zoneName(form.zone!) } });
    res.redirect(303, `${base}/workstations?zone=${encodeURIComponent(form.zone!)}&notice=sent&count=${sent}`);
  });

  router.get(`${base}/workstations/:name`, ...page, csrf.provide, async (req, res) => {
    const notice = NOTICES.find((n) => n === req.query.notice);
    await renderDetail(res, String(req.params.name), { notice });
  });

  router.post(`${base}/workstations/:name/commands`, ...page, csrf.protect, csrf.provide, async (req, res) => {
    const name = String(req.params.name);
    const form = commandForm.parse(req.body ?? {});
    const kind = COMMAND_KINDS.find((k) => k === form.kind);
    let errors: Fields = kind ? {} : { kind: 'Choose a command.' };
    if (kind && form.confirm !== 'yes' && needsConfirmation(kind, 'one')) {
      const problem = deps.workstations.commandProblem(kind, form.message);
      if (problem) errors = problem;
      else {
        const { entry } = await deps.workstations.detail(name);
        return res.render('staff/fleet-confirm', { confirm: confirmation({ kind, message: form.message, target: { name }, entries: [entry as FleetEntry], base, t: tOf(res) }) });
      }
    }
    if (kind && !Object.keys(errors).length) {
      try {
        await deps.workstations.send({ name }, kind, form.message);
      } catch (err) {
        errors = fieldsOf(err);
      }
    }
    if (Object.keys(errors).length) return renderDetail(res, name, { commandErrors: errors, commandInput: form }, 400);
    await audit(res, 'workstation.command', name, { key: 'audit.wsCommand', vars: { commandKey: `fleet.command.${kind!}` } });
    res.redirect(303, `${base}/workstations/${encodeURIComponent(name)}?notice=sent`);
  });

  // Add time to the kiosk session on a PC (staff extend it as by its code: never past closing).
  router.post(`${base}/workstations/:name/add-time`, ...page, csrf.protect, csrf.provide, async (req, res) => {
    const name = String(req.params.name);
    const form = addTimeForm.parse(req.body ?? {});
    const minutes = Number(form.minutes);
    const session = deps.kiosks.liveSessionOf(name);
    if (!(EXTEND_CHOICES as readonly number[]).includes(minutes)) return renderDetail(res, name, { addTimeError: `Choose how much time to add: ${EXTEND_CHOICES.join(', ')} minutes.` }, 400);
    if (!session || !guards.extend) return renderDetail(res, name, { addTimeError: `No kiosk session is running on ${name} now.` }, 409);
    const result = await guards.extend(res, session.code, minutes);
    if (!result.ok) return renderDetail(res, name, { addTimeError: result.message }, 409);
    res.redirect(303, `${base}/workstations/${encodeURIComponent(name)}?notice=extended`);
  });

  router.post(`${base}/workstations/:name/retire`, ...page, csrf.protect, csrf.provide, async (req, res) => {
    const name = String(req.params.name);
    const form = retireForm.parse(req.body ?? {});
    if (form.confirm !== 'yes') {
      return renderDetail(res, name, { retireError: `Tick the box to confirm that ${name} should be retired.` }, 400);
    }
    await deps.workstations.retire(name);
    deps.kiosks.forget(name);
    deps.pcs.forget(name);
    await audit(res, 'workstation.retire', name, { key: 'audit.wsRetire' });
    res.redirect(303, `${base}/workstations?notice=retired&name=${encodeURIComponent(name)}`);
  });

  return router;
}

/** A form's field errors from a service's invalid-input error; anything else is not a form problem. */
function fieldsOf(err: unknown): Fields {
  if (err instanceof DomainError && err.kind === 'invalid' && err.fields) return err.fields;
  throw err;
}
