// The agent's configuration file: where it lives on each OS, what it may hold, and how it is
// written (owner-only: it holds the workstation's token).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validate as validCron } from 'node-cron';
import { z } from 'zod';
import { workstationNameSchema } from '../workstations/protocol';

/** A hook: a program and its arguments, run without a shell. */
const hookSchema = z.array(z.string().min(1)).min(1).max(32);

/** The local hooks; a missing hook means "cannot do that here" (the command is acknowledged as failed). */
export const hooksSchema = z
  .object({
    onWarning: hookSchema,
    onSessionEnd: hookSchema,
    /** A free PC is held for a ticket (THRESHOLD_EVENT hold, THRESHOLD_TICKET), or no longer (hold-end). */
    onHold: hookSchema,
    lock: hookSchema,
    restart: hookSchema,
    shutdown: hookSchema,
    message: hookSchema,
    outOfOrder: hookSchema,
    inService: hookSchema,
  })
  .partial()
  .strict();
export type HookName = keyof z.infer<typeof hooksSchema>;

export const agentConfigSchema = z
  .object({
    /** The portal's base URL, e.g. https://portal.library.example. */
    server: z.url({ protocol: /^https?$/, error: 'expected the portal URL, such as https://portal.library.example' }),
    name: workstationNameSchema,
    token: z.string().min(32),
    /** A PEM file of the CA that signed the portal's certificate, when it is not a public CA. */
    ca: z.string().min(1).optional(),
    /** Plain HTTP is for development only: the token would cross the network in clear. */
    allowHttp: z.boolean().default(false),
    /** The local address to send from, on a machine with several (the server knows the kiosk by it). */
    localAddress: z.union([z.ipv4(), z.ipv6()]).optional(),
    heartbeatCron: z.string().refine(validCron, 'expected a cron expression such as "* * * * *" (every minute)').default('* * * * *'),
    /** How often the kiosk session is polled while one is live, and while none is. */
    sessionPollSeconds: z.number().int().min(1).max(60).default(5),
    idlePollSeconds: z.number().int().min(1).max(600).default(15),
    /** How many reports are kept while the server is unreachable (the oldest go first). */
    queueLimit: z.number().int().min(1).max(10_000).default(120),
    hookTimeoutSeconds: z.number().int().min(1).max(3600).default(120),
    hooks: hooksSchema.default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.server.startsWith('http:') && !c.allowHttp) {
      ctx.addIssue({ code: 'custom', path: ['server'], message: 'expected an https:// URL (plain HTTP would expose the token; allowHttp is for development only)' });
    }
  });
export type AgentConfig = z.infer<typeof agentConfigSchema>;

export class AgentConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AgentConfigError';
  }
}

/**
 * Where the agent keeps its configuration unless told: %ProgramData%\Threshold on Windows,
 * /etc/threshold-agent when running as root on Linux, the user's config directory otherwise.
 */
export function defaultConfigPath(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  uid: number | undefined = process.getuid?.(),
  home: string = os.homedir(),
): string {
  if (platform === 'win32') return path.win32.join(env.ProgramData || 'C:\\ProgramData', 'Threshold', 'agent.json');
  if (platform === 'linux' && uid === 0) return '/etc/threshold-agent/agent.json';
  return path.posix.join(env.XDG_CONFIG_HOME || path.posix.join(home, '.config'), 'threshold-agent', 'agent.json');
}

/** Reads and checks the configuration; refuses a file that others can read (it holds the token). */
export function readAgentConfig(file: string): AgentConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new AgentConfigError(`No agent configuration at ${file}. Enrol first: threshold agent enroll --server URL --code CODE --name NAME`);
    throw new AgentConfigError(`Cannot read the agent configuration ${file}: ${e.message}`);
  }
  if (process.platform !== 'win32') {
    const mode = fs.statSync(file).mode & 0o777;
    if (mode & 0o077) throw new AgentConfigError(`${file} can be read by other users (mode ${mode.toString(8)}) and it holds the workstation's token. Run: chmod 600 ${file}`);
  }
  const parsed = agentConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(top level)'}: ${i.message}`);
    throw new AgentConfigError(`Invalid agent configuration ${file}:\n${problems.join('\n')}`);
  }
  return parsed.data;
}

/** Reads the file's JSON as it is, or undefined when there is none (enrolment keeps its hooks). */
export function readExisting(file: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Writes the configuration owner-only (file 0600, a new directory 0700), replacing it in one step. */
export function writeAgentConfig(file: string, config: AgentConfig): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}
