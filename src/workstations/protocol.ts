// The agent protocol: the allowlisted health report and every request and answer body, shared
// by the agent (which builds its report from these schemas) and the agent API (which rejects
// anything else). Nothing here can carry a user name, process, window title, URL or file.
import { z } from 'zod';

/** Where the agent API lives, on the portal's listeners. */
export const AGENT_API_BASE = '/api/agent/v1';

/** A workstation's name: what staff see in the fleet view. */
export const workstationNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'expected lower-case letters, digits and dashes, starting with a letter or digit, at most 63');

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** What the operating system calls itself ("Debian GNU/Linux", "12"): short, printable, no markup. */
const osLabel = z
  .string()
  .max(64)
  .regex(/^[\p{L}\p{N} ._()+,/-]*$/u, 'expected letters, digits, spaces and . _ ( ) + , / - only');

export const OS_FAMILIES = ['linux', 'windows', 'macos', 'bsd', 'other'] as const;

/**
 * One health report: the complete list of what an agent may say about its machine. Strict at
 * every level, so an unknown field (a host name, a user, a process) is refused, not ignored.
 */
export const healthReportSchema = z
  .object({
    /** When it was measured, by the agent's clock (epoch ms): from 2020 to 2200, so every value is a date. */
    at: z.number().int().min(1_577_836_800_000, 'expected a time in epoch milliseconds after 2020').max(7_258_118_400_000, 'expected a time in epoch milliseconds before 2200'),
    agentVersion: z.string().max(32).regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/, 'expected a version such as 1.2.3'),
    os: z.object({ family: z.enum(OS_FAMILIES), distro: osLabel, release: osLabel }).strict(),
    /** Metrics are null when the machine could not measure them this time. */
    cpuLoadPercent: z.number().min(0).max(100).nullable(),
    memory: z.object({ usedBytes: count, totalBytes: count }).strict().nullable(),
    systemDisk: z.object({ freeBytes: count, totalBytes: count }).strict().nullable(),
    uptimeSeconds: count.nullable(),
    networkUp: z.boolean(),
    portalReachable: z.boolean(),
    /** Seconds until the agent's next scheduled heartbeat: three of these without one is "offline". */
    intervalSeconds: z.number().int().min(1).max(86_400),
    /** Reports the agent had to drop because its queue was full while the server was away. */
    droppedReports: count,
  })
  .strict();
export type HealthReport = z.infer<typeof healthReportSchema>;

/** The most reports one heartbeat request may carry (a queue is sent in several). */
export const MAX_REPORTS_PER_HEARTBEAT = 20;

export const heartbeatBodySchema = z
  .object({ reports: z.array(healthReportSchema).min(1).max(MAX_REPORTS_PER_HEARTBEAT) })
  .strict();

export const enrolBodySchema = z
  .object({
    code: z.string().min(1).max(40),
    name: workstationNameSchema,
  })
  .strict();

/** Why a hook or command did not succeed: a fixed list, never the hook's own output. */
export const FAILURE_REASONS = ['no-hook', 'exit-code', 'timeout', 'spawn-failed', 'unsupported'] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** How a hook run (a command, or the end-of-session wipe) went. */
export const outcomeSchema = z
  .object({
    ok: z.boolean(),
    reason: z.enum(FAILURE_REASONS).optional(),
    exitCode: z.number().int().min(-255).max(255).optional(),
  })
  .strict();
export type Outcome = z.infer<typeof outcomeSchema>;

export const COMMAND_KINDS = ['lock', 'end-session', 'restart', 'shutdown', 'message', 'out-of-order', 'in-service'] as const;
export type CommandKind = (typeof COMMAND_KINDS)[number];

/** The longest message staff can show on a screen. */
export const MAX_MESSAGE_LENGTH = 280;

/** A command as the agent receives it. */
export const deliveredCommandSchema = z.object({
  id: z.string().min(1).max(64),
  kind: z.enum(COMMAND_KINDS),
  message: z.string().max(MAX_MESSAGE_LENGTH).optional(),
});
export type DeliveredCommand = z.infer<typeof deliveredCommandSchema>;

/** How a kiosk session ended, as the agent's end hook is told. */
export const END_REASONS = ['time', 'logout', 'staff', 'idle', 'data', 'ended'] as const;
export type EndedReason = (typeof END_REASONS)[number];

/** The state of the kiosk session of the machine asking (matched by its source address). */
export const sessionStateSchema = z.discriminatedUnion('live', [
  z.object({
    live: z.literal(true),
    /** Tells one session from the next on the same machine; it says nothing about the patron. */
    startedAt: count,
    secondsLeft: count,
    warningMinutes: z.number().int().min(0).max(1440),
  }),
  z.object({ live: z.literal(false), ended: z.object({ reason: z.enum(END_REASONS) }).optional() }),
]);
export type SessionState = z.infer<typeof sessionStateSchema>;

export const enrolAnswerSchema = z.object({ name: workstationNameSchema, zoneId: z.string(), token: z.string().min(32) });
export type EnrolAnswer = z.infer<typeof enrolAnswerSchema>;

export const heartbeatAnswerSchema = z.object({ accepted: count, commands: z.array(deliveredCommandSchema) });
export type HeartbeatAnswer = z.infer<typeof heartbeatAnswerSchema>;

/** A free PC held for a ticket of the zone's queue: the number to show ("B-17") and the hold's time left. */
export const holdSchema = z.object({ ticket: z.string().regex(/^[A-Z]-\d{1,4}$/), secondsLeft: count });
export type HoldState = z.infer<typeof holdSchema>;

export const sessionAnswerSchema = z.object({ session: sessionStateSchema, commands: z.array(deliveredCommandSchema), hold: holdSchema.optional() });
export type SessionAnswer = z.infer<typeof sessionAnswerSchema>;
