// The agent API: JSON for workstation agents — enrol, heartbeat, the kiosk session of the
// machine asking, command acknowledgements and wipe results. Every request but enrolment carries
// the workstation's bearer token. Production serves it over HTTPS only (see main.ts).
import express, { Router, type Request, type Response } from 'express';
import type { Deps } from '../deps';
import type { WorkstationRecord } from '../store/types';
import type { DeliveredCommand, HeartbeatAnswer, SessionAnswer } from '../workstations/protocol';
import { addressKey, agentRateLimit } from './rate-limits';

/** Bodies are small: a heartbeat carries at most 20 reports of a few hundred bytes. */
const BODY_LIMIT = '32kb';

export function agentApiRouter(deps: Deps): Router {
  const router = Router();
  const byAddress = addressKey(deps.resolveClient);
  router.use((_req, res, next) => {
    res.set('Cache-Control', 'no-store');
    next();
  });
  router.use(express.json({ limit: BODY_LIMIT }));
  router.use(
    agentRateLimit(byAddress, {
      limit: 30,
      windowMs: 60_000,
      failuresOnly: true,
      message: 'Too many failed requests from this address. Check the agent\'s token and configuration, then try again in a minute.',
    }),
  );

  const enrolLimit = agentRateLimit(byAddress, {
    limit: 10,
    windowMs: 60_000,
    message: 'Too many enrolment attempts from this address. Wait a minute and try again.',
  });
  router.post('/enrol', enrolLimit, async (req, res) => {
    res.status(201).json(await deps.workstations.enrol(req.body));
  });

  // Everything below needs a valid token.
  router.use(async (req, res, next) => {
    res.locals.workstation = await deps.workstations.authenticate(req.headers.authorization);
    next();
  });
  router.use(
    agentRateLimit((_req, res) => workstationOf(res).name, {
      limit: 120,
      windowMs: 60_000,
      message: 'This workstation sends too many requests. Check its heartbeat and polling settings.',
    }),
  );

  router.post('/heartbeat', async (req, res) => {
    const ws = workstationOf(res);
    const accepted = await deps.workstations.recordReports(ws, req.body);
    await deps.workstations.setInUse(ws, Boolean(deps.sessions.lookup(deps.resolveClient(req).ip)));
    const answer: HeartbeatAnswer = { accepted, commands: await deliver(deps, ws, req) };
    res.json(answer);
  });

  router.get('/session', async (req, res) => {
    const ws = workstationOf(res);
    // Commands first: an "end session" ends the session now, so the state below says so.
    const commands = await deliver(deps, ws, req);
    const session = await deps.kiosks.state(ws.name, deps.resolveClient(req).ip);
    await deps.workstations.setInUse(ws, session.live);
    const answer: SessionAnswer = { session, commands };
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

function workstationOf(res: Response): WorkstationRecord {
  return res.locals.workstation as WorkstationRecord;
}

/** Pending commands for the workstation; a first-time "end session" ends the asking machine's session. */
async function deliver(deps: Deps, ws: WorkstationRecord, req: Request): Promise<DeliveredCommand[]> {
  const { commands, firstTime } = await deps.workstations.deliver(ws);
  if (firstTime.some((c) => c.kind === 'end-session')) await deps.kiosks.endFor(deps.resolveClient(req).ip);
  return commands;
}
