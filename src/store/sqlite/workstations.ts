// The workstation part of the SQLite store: enrolment codes, workstations, health history and
// the command queue, in the same file as everything else (so the CLI can add a code while the
// server runs).
import type Database from 'better-sqlite3';
import type { Clock } from '../../domain/clock';
import {
  COMMAND_HISTORY_LIMIT,
  COMMAND_KEEP_MS,
  HEALTH_HISTORY_LIMIT,
  RETIRED_KEEP_MS,
  pendingOldestFirst,
  type CommandOutcome,
  type EnrolmentCode,
  type HealthSample,
  type WorkstationCommand,
  type WorkstationPatch,
  type WorkstationRecord,
  type WorkstationStore,
} from '../workstation-types';
import { ExpiredRows, type ExpiringTable } from './chunked-delete';

interface WorkstationRow {
  name: string;
  zone_id: string;
  token_hash: string;
  enrolled_at: number;
  retired_at: number | null;
  last_seen_at: number | null;
  mode: WorkstationRecord['mode'];
  in_use: number;
  health: string | null;
  last_wipe: string | null;
}

/** Expiring rows; none of these tables has an index on expires_at, so each is walked by rowid. */
const EXPIRING: readonly ExpiringTable[] = ['enrolment_codes', 'workstation_commands', 'workstations'].map((table) => ({ table, indexed: false }));

const LIVE = '(expires_at IS NULL OR expires_at > @now)';
const ACTIVE = 'retired_at IS NULL';

function prepare(db: Database.Database) {
  const q = <P extends object | unknown[], R = unknown>(sql: string) => db.prepare<P, R>(sql);
  return {
    putCode: q<EnrolmentCode>(
      'INSERT OR REPLACE INTO enrolment_codes VALUES (@codeHash, @zoneId, @createdAt, @expiresAt)',
    ),
    takeCode: q<{ codeHash: string; now: number }, { zone_id: string; created_at: number; expires_at: number }>(
      'DELETE FROM enrolment_codes WHERE code_hash = @codeHash AND expires_at > @now RETURNING zone_id, created_at, expires_at',
    ),
    get: q<{ name: string; now: number }, WorkstationRow>(`SELECT * FROM workstations WHERE name = @name AND ${LIVE}`),
    byToken: q<{ tokenHash: string; now: number }, WorkstationRow>(
      `SELECT * FROM workstations WHERE token_hash = @tokenHash AND ${LIVE}`,
    ),
    list: q<{ now: number }, WorkstationRow>(`SELECT * FROM workstations WHERE ${LIVE} ORDER BY name`),
    activeName: q<{ name: string; now: number }, { name: string }>(
      `SELECT name FROM workstations WHERE name = @name AND ${ACTIVE} AND ${LIVE}`,
    ),
    dropWorkstation: q<[string]>('DELETE FROM workstations WHERE name = ?'),
    insert: q<Record<string, unknown>>(
      `INSERT INTO workstations VALUES (@name, @zoneId, @tokenHash, @enrolledAt, NULL, @lastSeenAt, @mode,
         @inUse, @health, @lastWipe, NULL)`,
    ),
    update: q<Record<string, unknown>>(
      `UPDATE workstations SET mode = COALESCE(@mode, mode), in_use = COALESCE(@inUse, in_use),
         last_wipe = COALESCE(@lastWipe, last_wipe) WHERE name = @name AND ${ACTIVE}`,
    ),
    seen: q<{ name: string; seenAt: number; health: string }>(
      `UPDATE workstations SET last_seen_at = @seenAt, health = @health WHERE name = @name AND ${ACTIVE}`,
    ),
    addSample: q<{ name: string; receivedAt: number; report: string }>(
      'INSERT INTO workstation_health (name, received_at, report) VALUES (@name, @receivedAt, @report)',
    ),
    trimHistory: q<{ name: string; keep: number }>(
      `DELETE FROM workstation_health WHERE name = @name AND seq <=
         (SELECT seq FROM workstation_health WHERE name = @name ORDER BY seq DESC LIMIT 1 OFFSET @keep)`,
    ),
    history: q<{ name: string; keep: number }, { received_at: number; report: string }>(
      'SELECT received_at, report FROM workstation_health WHERE name = @name ORDER BY seq DESC LIMIT @keep',
    ),
    dropHistory: q<[string]>('DELETE FROM workstation_health WHERE name = ?'),
    retire: q<{ name: string; at: number; expiresAt: number }>(
      `UPDATE workstations SET retired_at = @at, expires_at = @expiresAt WHERE name = @name AND ${ACTIVE}`,
    ),
    putCommand: q<{ id: string; workstation: string; body: string; createdAt: number; expiresAt: number }>(
      `INSERT INTO workstation_commands VALUES (@id, @workstation, @body, @createdAt, @expiresAt)
       ON CONFLICT (id) DO UPDATE SET body = excluded.body`,
    ),
    trimCommands: q<{ name: string; keep: number }>(
      `DELETE FROM workstation_commands WHERE workstation = @name AND id NOT IN
         (SELECT id FROM workstation_commands WHERE workstation = @name ORDER BY created_at DESC, id LIMIT @keep)`,
    ),
    commands: q<{ name: string; now: number }, { body: string }>(
      'SELECT body FROM workstation_commands WHERE workstation = @name AND expires_at > @now ORDER BY created_at DESC, id',
    ),
    command: q<{ name: string; id: string; now: number }, { body: string }>(
      'SELECT body FROM workstation_commands WHERE workstation = @name AND id = @id AND expires_at > @now',
    ),
    dropCommands: q<[string]>('DELETE FROM workstation_commands WHERE workstation = ?'),
    expiring: EXPIRING.map((t) => new ExpiredRows(db, t)),
  };
}

/** The multi-statement changes, each one transaction. */
function transactions(db: Database.Database, st: ReturnType<typeof prepare>, now: () => number) {
  /** Everything kept about a (retired) workstation of this name, before the name is reused. */
  const forget = (name: string) => {
    st.dropWorkstation.run(name);
    st.dropHistory.run(name);
    st.dropCommands.run(name);
  };
  return {
    add: db.transaction((ws: WorkstationRecord) => {
      if (st.activeName.get({ name: ws.name, now: now() })) return false;
      forget(ws.name);
      st.insert.run({
        name: ws.name,
        zoneId: ws.zoneId,
        tokenHash: ws.tokenHash,
        enrolledAt: ws.enrolledAt,
        lastSeenAt: ws.lastSeenAt ?? null,
        mode: ws.mode,
        inUse: ws.inUse ? 1 : 0,
        health: ws.health ? JSON.stringify(ws.health) : null,
        lastWipe: ws.lastWipe ? JSON.stringify(ws.lastWipe) : null,
      });
      return true;
    }),
    record: db.transaction((name: string, samples: HealthSample[], seenAt: number) => {
      const last = samples[samples.length - 1];
      if (!last || st.seen.run({ name, seenAt, health: JSON.stringify(last.report) }).changes === 0) return undefined;
      for (const s of samples) st.addSample.run({ name, receivedAt: s.receivedAt, report: JSON.stringify(s.report) });
      st.trimHistory.run({ name, keep: HEALTH_HISTORY_LIMIT });
      const t = now();
      return pendingOldestFirst(st.commands.all({ name, now: t }).map((r) => JSON.parse(r.body) as WorkstationCommand), t);
    }),
    retire: db.transaction((name: string, at: number) => {
      if (st.retire.run({ name, at, expiresAt: at + RETIRED_KEEP_MS }).changes === 0) return false;
      st.dropHistory.run(name);
      st.dropCommands.run(name);
      return true;
    }),
    queue: db.transaction((cmd: WorkstationCommand) => {
      if (!st.activeName.get({ name: cmd.workstation, now: now() })) return false;
      st.putCommand.run(commandRow(cmd));
      st.trimCommands.run({ name: cmd.workstation, keep: COMMAND_HISTORY_LIMIT });
      return true;
    }),
  };
}

/** The workstation methods of SqliteStore, on its database from `open` (its init) to `close`. */
export class SqliteWorkstations implements WorkstationStore {
  private bound: { st: ReturnType<typeof prepare>; tx: ReturnType<typeof transactions> } | undefined;

  constructor(private readonly clock: Clock) {}

  open(db: Database.Database): void {
    const st = prepare(db);
    this.bound = { st, tx: transactions(db, st, () => this.clock.now()) };
  }

  close(): void {
    this.bound = undefined;
  }

  private get st(): ReturnType<typeof prepare> {
    return this.bind().st;
  }

  private get tx(): ReturnType<typeof transactions> {
    return this.bind().tx;
  }

  private bind() {
    if (!this.bound) throw new Error('the SQLite store is not open: call init() first');
    return this.bound;
  }

  async putCode(code: EnrolmentCode): Promise<void> {
    this.st.putCode.run(code);
  }

  async takeCode(codeHash: string): Promise<EnrolmentCode | undefined> {
    const row = this.st.takeCode.get({ codeHash, now: this.clock.now() });
    return row && { codeHash, zoneId: row.zone_id, createdAt: row.created_at, expiresAt: row.expires_at };
  }

  async add(ws: WorkstationRecord): Promise<boolean> {
    return this.tx.add.immediate(ws);
  }

  async get(name: string): Promise<WorkstationRecord | undefined> {
    return toRecord(this.st.get.get({ name, now: this.clock.now() }));
  }

  async findByToken(tokenHash: string): Promise<WorkstationRecord | undefined> {
    return toRecord(this.st.byToken.get({ tokenHash, now: this.clock.now() }));
  }

  async list(): Promise<WorkstationRecord[]> {
    return this.st.list.all({ now: this.clock.now() }).map((r) => toRecord(r)!);
  }

  async update(name: string, patch: WorkstationPatch): Promise<boolean> {
    const params = {
      name,
      mode: patch.mode ?? null,
      inUse: patch.inUse === undefined ? null : patch.inUse ? 1 : 0,
      lastWipe: patch.lastWipe ? JSON.stringify(patch.lastWipe) : null,
    };
    return this.st.update.run(params).changes > 0;
  }

  async recordHealth(name: string, samples: HealthSample[], seenAt: number): Promise<WorkstationCommand[] | undefined> {
    return this.tx.record.immediate(name, samples, seenAt);
  }

  async history(name: string): Promise<HealthSample[]> {
    return this.st.history
      .all({ name, keep: HEALTH_HISTORY_LIMIT })
      .map((r) => ({ receivedAt: r.received_at, report: JSON.parse(r.report) as HealthSample['report'] }));
  }

  async retire(name: string, at: number): Promise<boolean> {
    return this.tx.retire.immediate(name, at);
  }

  async queueCommand(cmd: WorkstationCommand): Promise<boolean> {
    return this.tx.queue.immediate(cmd);
  }

  async listCommands(name: string): Promise<WorkstationCommand[]> {
    return this.st.commands.all({ name, now: this.clock.now() }).map((r) => JSON.parse(r.body) as WorkstationCommand);
  }

  async markDelivered(name: string, ids: string[], at: number): Promise<void> {
    for (const id of ids) {
      const cmd = this.readCommand(name, id);
      if (cmd?.status === 'pending' && cmd.deliveredAt === undefined) this.putCommand({ ...cmd, deliveredAt: at });
    }
  }

  async finishCommand(name: string, id: string, outcome: CommandOutcome): Promise<WorkstationCommand | undefined> {
    const cmd = this.readCommand(name, id);
    if (cmd?.status !== 'pending') return undefined;
    const done: WorkstationCommand = { ...cmd, status: outcome.status, finishedAt: outcome.at };
    if (outcome.reason !== undefined) done.reason = outcome.reason;
    this.putCommand(done);
    return done;
  }

  /** Expired codes, commands and retired workstations, for SqliteStore's sweep. */
  expiring(): readonly ExpiredRows[] {
    return this.st.expiring;
  }

  private readCommand(name: string, id: string): WorkstationCommand | undefined {
    const row = this.st.command.get({ name, id, now: this.clock.now() });
    return row ? (JSON.parse(row.body) as WorkstationCommand) : undefined;
  }

  private putCommand(cmd: WorkstationCommand): void {
    this.st.putCommand.run(commandRow(cmd));
  }
}

function commandRow(cmd: WorkstationCommand) {
  const { id, workstation, createdAt } = cmd;
  return { id, workstation, body: JSON.stringify(cmd), createdAt, expiresAt: createdAt + COMMAND_KEEP_MS };
}

function toRecord(r: WorkstationRow | undefined): WorkstationRecord | undefined {
  if (!r) return undefined;
  const ws: WorkstationRecord = {
    name: r.name,
    zoneId: r.zone_id,
    tokenHash: r.token_hash,
    enrolledAt: r.enrolled_at,
    mode: r.mode,
    inUse: r.in_use === 1,
  };
  if (r.retired_at !== null) ws.retiredAt = r.retired_at;
  if (r.last_seen_at !== null) ws.lastSeenAt = r.last_seen_at;
  if (r.health !== null) ws.health = JSON.parse(r.health) as WorkstationRecord['health'];
  if (r.last_wipe !== null) ws.lastWipe = JSON.parse(r.last_wipe) as WorkstationRecord['lastWipe'];
  return ws;
}
