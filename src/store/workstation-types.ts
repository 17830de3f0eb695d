// The workstation part of the Store contract: enrolment codes, workstations, their health and
// the staff command queue. Nothing here is about a patron, and no network address is kept: a
// kiosk's session is matched by the request's source address at request time.
import type { CommandKind, FailureReason, HealthReport } from '../workstations/protocol';

/** What staff commands have set a workstation to. */
export type WorkstationMode = 'in-service' | 'locked' | 'out-of-order';

/** How the last end-of-session wipe went, as the agent reported it. */
export interface WipeResult {
  ok: boolean;
  /** Server time it was reported (epoch ms). */
  at: number;
  reason?: FailureReason;
}

/** A public PC that runs the Threshold agent. */
export interface WorkstationRecord {
  /** Unique among workstations (lower-case letters, digits, dashes). */
  name: string;
  zoneId: string;
  /** SHA-256 of the bearer token (base64url): the token itself is never kept. */
  tokenHash: string;
  enrolledAt: number;
  /** Set when staff retired it: its token no longer works and the record expires later. */
  retiredAt?: number;
  /** When the server last took a heartbeat from it. */
  lastSeenAt?: number;
  mode: WorkstationMode;
  /** Whether a kiosk session was live on it when it last asked (nothing about the session is kept). */
  inUse: boolean;
  /** Its latest health report. */
  health?: HealthReport;
  lastWipe?: WipeResult;
}

/** What may change on an active workstation outside heartbeats. */
export type WorkstationPatch = Partial<Pick<WorkstationRecord, 'mode' | 'inUse' | 'lastWipe'>>;

/** One entry of a workstation's recent health history. */
export interface HealthSample {
  /** Server time the report arrived (epoch ms). */
  receivedAt: number;
  report: HealthReport;
}

/** A one-time enrolment code; only its hash is kept. */
export interface EnrolmentCode {
  /** SHA-256 of the normalised code (base64url). */
  codeHash: string;
  /** The zone the workstation enrolled with it joins. */
  zoneId: string;
  createdAt: number;
  expiresAt: number;
}

export type CommandStatus = 'pending' | 'done' | 'failed';

/** A staff command to one workstation, from queueing to the agent's acknowledgement. */
export interface WorkstationCommand {
  /** Random id (base64url). */
  id: string;
  workstation: string;
  kind: CommandKind;
  /** For `message`: the text to show. */
  message?: string;
  status: CommandStatus;
  createdAt: number;
  /** First time it went out with a heartbeat or session poll. */
  deliveredAt?: number;
  finishedAt?: number;
  /** Why it failed, as the agent reported it. */
  reason?: FailureReason;
}

/** How a pending command finished. */
export interface CommandOutcome {
  status: 'done' | 'failed';
  at: number;
  reason?: FailureReason;
}

/** How many health reports each workstation keeps (an hour at the default heartbeat). */
export const HEALTH_HISTORY_LIMIT = 60;
/** How many commands each workstation keeps, newest first. */
export const COMMAND_HISTORY_LIMIT = 30;
/** How long a command is kept after it was queued. */
export const COMMAND_KEEP_MS = 7 * 86_400_000;
/** How long a retired workstation stays listed (and its old token answered "retired"). */
export const RETIRED_KEEP_MS = 30 * 86_400_000;

/** The Store's workstation methods; every implementation passes test/contract/workstation.contract.ts. */
export interface WorkstationStore {
  /** Keeps an enrolment code until its `expiresAt`. */
  putCode(code: EnrolmentCode): Promise<void>;
  /** Returns a live code and deletes it in the same step, so a code works once. */
  takeCode(codeHash: string): Promise<EnrolmentCode | undefined>;

  /**
   * Adds a workstation, replacing a retired one of the same name (its history and commands go).
   * Resolves false, changing nothing, when an active workstation already has the name.
   */
  add(ws: WorkstationRecord): Promise<boolean>;
  /** A workstation, active or retired (until the retired record expires). */
  get(name: string): Promise<WorkstationRecord | undefined>;
  /** The workstation a token hash was issued to, active or retired; undefined if none. */
  findByToken(tokenHash: string): Promise<WorkstationRecord | undefined>;
  /** Every workstation, retired ones until they expire, ordered by name. */
  list(): Promise<WorkstationRecord[]>;
  /** Changes an active workstation; resolves false when there is none by that name. */
  update(name: string, patch: WorkstationPatch): Promise<boolean>;
  /**
   * Records reports (oldest first) from an active workstation: each joins its history (the
   * newest HEALTH_HISTORY_LIMIT are kept), the last becomes its latest health, and lastSeenAt
   * becomes `seenAt`. Resolves with its pending commands, oldest first, so a heartbeat takes one
   * round trip; or undefined, storing nothing, when it is not active.
   */
  recordHealth(name: string, samples: HealthSample[], seenAt: number): Promise<WorkstationCommand[] | undefined>;
  /** Recent health history, newest first. */
  history(name: string): Promise<HealthSample[]>;
  /**
   * Retires an active workstation: its token stops working, its history and commands are
   * deleted, and the record expires RETIRED_KEEP_MS after `at`. Resolves false if none was active.
   */
  retire(name: string, at: number): Promise<boolean>;

  /** Queues a command for an active workstation (the newest COMMAND_HISTORY_LIMIT are kept). False if none. */
  queueCommand(cmd: WorkstationCommand): Promise<boolean>;
  /** A workstation's commands of the last COMMAND_KEEP_MS, newest first. */
  listCommands(name: string): Promise<WorkstationCommand[]>;
  /** Notes the first delivery of pending commands; commands already delivered keep their time. */
  markDelivered(name: string, ids: string[], at: number): Promise<void>;
  /** Finishes a pending command and returns it; undefined when there is no such pending command. */
  finishCommand(name: string, id: string, outcome: CommandOutcome): Promise<WorkstationCommand | undefined>;
}

/** Commands still pending and not expired, oldest first (what a heartbeat delivers). */
export function pendingOldestFirst(cmds: WorkstationCommand[], now: number): WorkstationCommand[] {
  return cmds
    .filter((c) => c.status === 'pending' && c.createdAt + COMMAND_KEEP_MS > now)
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
}
