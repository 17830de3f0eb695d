// Public workstations, server side: enrolment codes, enrolment, token checks, health reports,
// staff commands and their acknowledgements, retiring. Used by the agent API, the staff fleet
// pages and the `threshold workstation` command.
import type { Zone } from '../config/schema';
import type { Clock } from '../domain/clock';
import { DomainError, invalidInput, notFound } from '../domain/errors';
import type { Logger } from '../logger';
import { randomUuid, type RandomSource } from '../privacy/random';
import { pendingOldestFirst, type Store, type WorkstationCommand, type WorkstationMode, type WorkstationRecord } from '../store/types';
import { fleetEntry, type FleetEntry } from './fleet-view';
import {
  MAX_MESSAGE_LENGTH,
  enrolBodySchema,
  heartbeatBodySchema,
  outcomeSchema,
  type CommandKind,
  type DeliveredCommand,
  type EnrolAnswer,
} from './protocol';
import { hashEnrolmentCode, hashToken, newEnrolmentCode, newToken } from './secrets';

export interface WorkstationServiceDeps {
  store: Store;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  zones: readonly Zone[];
  /** This server's version: agents older than it are flagged. */
  version: string;
}

/** Enrolment codes live this long unless staff say otherwise, and at most MAX_CODE_TTL_MINUTES. */
export const DEFAULT_CODE_TTL_MINUTES = 60;
export const MAX_CODE_TTL_MINUTES = 7 * 24 * 60;

/** How many token hashes are remembered with their workstation's name (about 100 bytes each). */
const MAX_KNOWN_TOKENS = 200_000;

/** What an acknowledged command sets the workstation to. */
const MODE_AFTER: Partial<Record<CommandKind, WorkstationMode>> = {
  lock: 'locked',
  'out-of-order': 'out-of-order',
  'in-service': 'in-service',
};

export class WorkstationService {
  /**
   * Token hash → workstation name, once a token has been checked. That pairing never changes
   * (enrolling again gives a new token), so a heartbeat reads only the record, which is still
   * checked every time: retiring takes effect at once.
   */
  private readonly names = new Map<string, string>();

  constructor(private readonly d: WorkstationServiceDeps) {}

  private get ws() {
    return this.d.store.workstations;
  }

  /** A new one-time enrolment code for a zone (the first zone unless given). */
  async createCode(opts: { zoneId?: string | undefined; ttlMinutes?: number | undefined } = {}): Promise<{ code: string; zoneId: string; expiresAt: number }> {
    const zoneId = opts.zoneId || this.d.zones[0]!.id;
    const fields: Record<string, string> = {};
    if (!this.d.zones.some((z) => z.id === zoneId)) fields.zone = `There is no zone "${zoneId}". Zones: ${this.d.zones.map((z) => z.id).join(', ')}.`;
    const ttl = opts.ttlMinutes ?? DEFAULT_CODE_TTL_MINUTES;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_CODE_TTL_MINUTES) fields.ttl = `Give the minutes the code stays valid, a whole number from 1 to ${MAX_CODE_TTL_MINUTES}.`;
    if (Object.keys(fields).length) throw invalidInput(fields);
    const code = newEnrolmentCode(this.d.random);
    const now = this.d.clock.now();
    const expiresAt = now + ttl * 60_000;
    await this.ws.putCode({ codeHash: hashEnrolmentCode(code), zoneId, createdAt: now, expiresAt });
    this.d.logger.info({ event: 'workstation.code', zone: zoneId, ttlMinutes: ttl }, 'enrolment code created');
    return { code, zoneId, expiresAt };
  }

  /** Exchanges a one-time code for a workstation token; only the token's hash is kept. */
  async enrol(body: unknown): Promise<EnrolAnswer> {
    const { code, name } = enrolBodySchema.parse(body);
    const taken = await this.ws.takeCode(hashEnrolmentCode(code));
    if (!taken) {
      throw new DomainError('refused', 'bad_code', 'This enrolment code is not valid: it may be mistyped, used already or expired. Ask staff for a new one.');
    }
    const token = newToken(this.d.random);
    const record: WorkstationRecord = { name, zoneId: taken.zoneId, tokenHash: hashToken(token), enrolledAt: this.d.clock.now(), mode: 'in-service', inUse: false };
    if (!(await this.ws.add(record))) {
      await this.ws.putCode(taken); // the code was not used up: give it back
      throw new DomainError('conflict', 'name_taken', `A workstation named "${name}" is already enrolled. Choose another name, or ask staff to retire the old one first.`);
    }
    this.d.logger.info({ event: 'workstation.enrol', workstation: name, zone: taken.zoneId }, 'workstation enrolled');
    return { name, zoneId: taken.zoneId, token };
  }

  /** The workstation an `Authorization: Bearer …` header belongs to; a clear 401 or 403 otherwise. */
  async authenticate(authorization: string | undefined): Promise<WorkstationRecord> {
    const m = /^Bearer ([A-Za-z0-9_-]{20,100})$/.exec(authorization ?? '');
    if (!m) {
      throw new DomainError('unauthenticated', 'no_token', 'Send the workstation token as "Authorization: Bearer <token>". A workstation gets its token by enrolling: threshold agent enroll --server URL --code CODE --name NAME.', { challenge: 'Bearer' });
    }
    const hash = hashToken(m[1]!);
    const known = this.names.get(hash);
    let ws = known === undefined ? await this.ws.findByToken(hash) : await this.ws.get(known);
    if (ws?.tokenHash !== hash) {
      this.names.delete(hash);
      ws = undefined;
    } else if (known === undefined) {
      this.names.set(hash, ws.name);
      if (this.names.size > MAX_KNOWN_TOKENS) this.names.delete(this.names.keys().next().value!);
    }
    if (!ws) {
      throw new DomainError('unauthenticated', 'bad_token', 'This workstation token is not valid. Enrol the workstation again with a new code from staff.', { challenge: 'Bearer error="invalid_token"' });
    }
    if (ws.retiredAt !== undefined) throw retired(ws.name);
    return ws;
  }

  /** Stores a heartbeat's reports (validated against the allowlist); returns how many, and the commands pending. */
  async recordReports(ws: WorkstationRecord, body: unknown): Promise<{ accepted: number; pending: WorkstationCommand[] }> {
    const { reports } = heartbeatBodySchema.parse(body);
    const now = this.d.clock.now();
    const samples = [...reports].sort((a, b) => a.at - b.at).map((report) => ({ receivedAt: now, report }));
    const pending = await this.ws.recordHealth(ws.name, samples, now);
    if (!pending) throw retired(ws.name);
    return { accepted: samples.length, pending };
  }

  /**
   * The workstation's pending commands, oldest first (`pending` when already read); those going
   * out for the first time are noted.
   */
  async deliver(ws: WorkstationRecord, known?: WorkstationCommand[]): Promise<{ commands: DeliveredCommand[]; firstTime: WorkstationCommand[] }> {
    const pending = known ?? pendingOldestFirst(await this.ws.listCommands(ws.name), this.d.clock.now());
    const firstTime = pending.filter((c) => c.deliveredAt === undefined);
    if (firstTime.length) await this.ws.markDelivered(ws.name, firstTime.map((c) => c.id), this.d.clock.now());
    const commands = pending.map(({ id, kind, message }) => (message === undefined ? { id, kind } : { id, kind, message }));
    return { commands, firstTime };
  }

  /** Records the agent's acknowledgement of a command; a lock or service change takes effect now. */
  async finishCommand(ws: WorkstationRecord, id: string, body: unknown): Promise<WorkstationCommand> {
    const outcome = outcomeSchema.parse(body);
    const at = this.d.clock.now();
    const done = await this.ws.finishCommand(ws.name, id, { status: outcome.ok ? 'done' : 'failed', at, ...(outcome.reason && { reason: outcome.reason }) });
    if (!done) throw notFound('There is no pending command with this id: it was acknowledged already, or it has expired.');
    const mode = MODE_AFTER[done.kind];
    if (outcome.ok && mode) await this.ws.update(ws.name, { mode });
    this.d.logger.info({ event: 'workstation.command', workstation: ws.name, kind: done.kind, status: done.status }, 'command acknowledged');
    return done;
  }

  /** Records how the last end-of-session wipe went. */
  async recordWipe(ws: WorkstationRecord, body: unknown): Promise<void> {
    const outcome = outcomeSchema.parse(body);
    const lastWipe = { ok: outcome.ok, at: this.d.clock.now(), ...(outcome.reason && { reason: outcome.reason }) };
    await this.ws.update(ws.name, { lastWipe });
    if (!outcome.ok) this.d.logger.warn({ event: 'workstation.wipe-failed', workstation: ws.name, reason: outcome.reason }, 'wipe failed');
  }

  /** Notes whether a kiosk session is live on the workstation (written only when it changes). */
  async setInUse(ws: WorkstationRecord, inUse: boolean): Promise<void> {
    if (ws.inUse !== inUse) await this.ws.update(ws.name, { inUse });
  }

  /** Retires a workstation: its token stops working at once. */
  async retire(name: string): Promise<void> {
    if (!(await this.ws.retire(name, this.d.clock.now()))) throw notFound(`There is no enrolled workstation named "${name}".`);
    this.d.logger.info({ event: 'workstation.retire', workstation: name }, 'workstation retired');
  }

  /** What is wrong with a command as staff wrote it, by form field; undefined when it can be sent. */
  commandProblem(kind: CommandKind, message?: string): Record<string, string> | undefined {
    const text = message?.trim() ?? '';
    if (kind === 'message' && (text.length === 0 || text.length > MAX_MESSAGE_LENGTH)) return { message: `Write the message to show, at most ${MAX_MESSAGE_LENGTH} characters.` };
    return undefined;
  }

  /** Queues a command for one workstation or every active one of a zone; returns how many got it. */
  async send(target: { name: string } | { zoneId: string }, kind: CommandKind, message?: string): Promise<number> {
    const text = message?.trim() ?? '';
    const problem = this.commandProblem(kind, message);
    if (problem) throw invalidInput(problem);
    const names =
      'name' in target
        ? [target.name]
        : (await this.ws.list()).filter((w) => w.zoneId === target.zoneId && w.retiredAt === undefined).map((w) => w.name);
    const createdAt = this.d.clock.now();
    let sent = 0;
    for (const workstation of names) {
      const cmd: WorkstationCommand = { id: randomUuid(this.d.random), workstation, kind, status: 'pending', createdAt, ...(kind === 'message' && { message: text }) };
      if (await this.ws.queueCommand(cmd)) sent++;
    }
    if ('name' in target && sent === 0) throw notFound(`There is no enrolled workstation named "${target.name}".`);
    this.d.logger.info({ event: 'workstation.send', kind, count: sent }, 'command queued');
    return sent;
  }

  /** Every active workstation with its state and flags, of one zone or all. */
  async overview(zoneId?: string): Promise<FleetEntry[]> {
    const now = this.d.clock.now();
    return (await this.ws.list())
      .filter((w) => w.retiredAt === undefined && (!zoneId || w.zoneId === zoneId))
      .map((w) => fleetEntry(w, now, this.d.version));
  }

  /** One workstation with its recent health and commands. */
  async detail(name: string) {
    const w = await this.ws.get(name);
    if (!w || w.retiredAt !== undefined) throw notFound(`There is no enrolled workstation named "${name}".`);
    const [history, commands] = await Promise.all([this.ws.history(name), this.ws.listCommands(name)]);
    return { entry: fleetEntry(w, this.d.clock.now(), this.d.version), history, commands };
  }
}

function retired(name: string): DomainError {
  return new DomainError('refused', 'retired', `The workstation "${name}" was retired by staff, so its token no longer works. If it is back in service, enrol it again with a new code.`);
}
