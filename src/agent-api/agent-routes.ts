// The agent API: JSON for workstation agents — enrol, heartbeat, the kiosk session of the
// machine asking, command acknowledgements and wipe results. Every request but enrolment carries
// the workstation's bearer token. Production serves it over HTTPS only (see main.ts).
import express, { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import type { WorkstationCommand, WorkstationRecord } from '../store/types';
import type { DeliveredCommand, HeartbeatAnswer, HoldState, SessionAnswer } from '../workstations/protocol';
import { extendWhileNoOneWaits } from '../queue/auto-extend';
import { addressKeyer } from '../http/client';
import { WindowCounter } from './rate-limits';

/** Bodies are small: a heartbeat carries at most 20 reports of a few hundred bytes. */
const BODY_LIMIT = '32kb';

export function agentApiRouter(deps: Deps): Router {
  const router = Router();
  const byAddress = addressKeyer(deps.resolveClient, deps.random);
  // Mounted before the pages' middleware (helmet's page headers mean nothing to an agent).
  router.use((_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
    next();
  });
  router.use(express.json({ limit: BODY_LIMIT }));
  const enrolments = new WindowCounter(10, 60_000, deps.clock);
  const tokenFailures = new WindowCounter(30, 60_000, deps.clock);
  const perWorkstation = new WindowCounter(120, 60_000, deps.clock);

  router.post('/enrol', async (req, res) => {
    const key = byAddress(req);
    enrolments.check(key, 'Too many enrolment attempts from this address. Wait a minute and try again.');
    enrolments.add(key);
    res.status(201).json(await deps.workstations.enrol(req.body));
  });

  // Everything below needs a valid token. Only failed checks count against an address (the
  // address key is computed only then, or once the address has failed before).
  router.use(async (req, res, next) => {
    const key = tokenFailures.size > 0 ? byAddress(req) : undefined;
    if (key) tokenFailures.check(key, 'Too many requests with a bad token from this address. Check the agent\'s configuration, then try again in a minute.');
    try {
      res.locals.workstation = await deps.workstations.authenticate(req.headers.authorization);
    } catch (err) {
      tokenFailures.add(key ?? byAddress(req));
      throw err;
    }
    const name = workstationOf(res).name;
    perWorkstation.check(name, 'This workstation sends too many requests. Check its heartbeat and polling settings.');
    perWorkstation.add(name);
    next();
  });

  router.post('/heartbeat', async (req, res) => {
    const ws = workstationOf(res);
    const { accepted, pending } = await deps.workstations.recordReports(ws, req.body);
    await deps.workstations.setInUse(ws, Boolean(deps.sessions.lookup(deps.resolveClient(req).ip)));
    const answer: HeartbeatAnswer = { accepted, commands: await deliver(deps, ws, req, pending) };
    res.json(answer);
  });

  router.get('/session', async (req, res) => {
    const ws = workstationOf(res);
    // Commands first: an "end session" ends the session now, so the state below says so.
    const commands = await deliver(deps, ws, req);
    const ip = deps.resolveClient(req).ip;
    deps.kiosks.noteAddress(ws, ip);
    deps.pcs.note(ws, ip);
    // Extended first, so the state below (and the kiosk's warning) counts from the new end.
    await queueStep(deps, ws, () => extendWhileNoOneWaits(deps, ip));
    const session = await deps.kiosks.state(ws.name, ip);
    await deps.workstations.setInUse(ws, session.live);
    const answer: SessionAnswer = { session, commands };
    const hold = session.live ? undefined : await queueStep(deps, ws, () => holdOf(deps, ws));
    if (hold) answer.hold = hold;
    res.json(answer);
  });

  router.post('/commands/:id/ack', async (req, res) => {
    await deps.workstations.finishCommand(workstationOf(res), String(req.params.id), req.body);
    res.status(204).end();
  });

  router.post('/wipe', async (req, res) => {
    await deps.workstations.recordWipe(workstationOf(res), req.body);
    res.status(204).end();
  });

  return router;
}

/** The ticket a free kiosk PC is held for, as its screen shows it. */
async function holdOf(deps: Deps, ws: WorkstationRecord): Promise<HoldState | undefined> {
  const hold = await deps.queue.holdAt(ws.zoneId, ws.name);
  return hold ? { ticket: hold.label, secondsLeft: Math.max(0, Math.ceil((hold.until - deps.clock.now()) / 1000)) } : undefined;
}

/** A queue step of a kiosk's poll (kiosk zones only). A queue fault never fails the poll: the kiosk's own session matters more. */
async function queueStep<T>(deps: Deps, ws: WorkstationRecord, step: () => Promise<T>): Promise<T | undefined> {
  if (!deps.queue.zone(ws.zoneId)) return undefined;
  try {
    return await step();
  } catch (err) {
    deps.logger.warn({ event: 'queue.unavailable', reason: (err as Error).message }, 'the kiosk queue could not be read');
    return undefined;
  }
}

function workstationOf(res: Response): WorkstationRecord {
  return res.locals.workstation as WorkstationRecord;
}

/** Pending commands for the workstation; a first-time "end session" ends the asking machine's session. */
async function deliver(deps: Deps, ws: WorkstationRecord, req: Request, pending?: WorkstationCommand[]): Promise<DeliveredCommand[]> {
  const { commands, firstTime } = await deps.workstations.deliver(ws, pending);
  if (firstTime.some((c) => c.kind === 'end-session')) await deps.kiosks.endFor(deps.resolveClient(req).ip);
  return commands;
}
