// The workstation agent: a heartbeat on a cron schedule, the kiosk session followed by polling,
// and staff commands run through the library's hooks and acknowledged. Every part is injected,
// and no network error ever stops it: reports wait in a bounded queue until the server is back.
import { schedule } from 'node-cron';
import type { Clock } from '../domain/clock';
import type { Logger } from '../logger';
import {
  AGENT_API_BASE,
  MAX_REPORTS_PER_HEARTBEAT,
  heartbeatAnswerSchema,
  sessionAnswerSchema,
  type CommandKind,
  type DeliveredCommand,
  type EndedReason,
  type HoldState,
  type Outcome,
} from '../workstations/protocol';
import type { AgentConfig, HookName } from './config';
import type { HookRunner } from './hooks';
import { KioskWatcher, type KioskEvent } from './kiosk-watcher';
import { Metrics, type SystemInfoSource } from './metrics';
import { ReportQueue } from './report-queue';
import type { AgentHttp, AgentResponse } from './transport';

/** A scheduled job: node-cron in production, a fake in tests. */
export interface ScheduledJob {
  stop(): void;
  /** When it runs next (epoch ms), if known. */
  nextRunAt(): number | undefined;
}

/** Runs work on a cron schedule, never two runs at once. */
export type Scheduler = (expression: string, fn: () => Promise<void>) => ScheduledJob;

export const nodeCronScheduler: Scheduler = (expression, fn) => {
  const task = schedule(expression, fn, { noOverlap: true });
  return { stop: () => void task.destroy(), nextRunAt: () => task.getNextRun()?.getTime() };
};

export interface AgentDeps {
  config: AgentConfig;
  http: AgentHttp;
  si: SystemInfoSource;
  hooks: HookRunner;
  clock: Clock;
  logger: Logger;
  /** The agent's own version, reported with every heartbeat. */
  version: string;
  scheduler?: Scheduler;
}

/** Which hook carries out each staff command ("end session" runs the end-of-session hook). */
const HOOK_FOR: Record<Exclude<CommandKind, 'end-session'>, HookName> = {
  lock: 'lock',
  restart: 'restart',
  shutdown: 'shutdown',
  message: 'message',
  'out-of-order': 'outOfOrder',
  'in-service': 'inService',
};
/** An "end session" arriving this soon after a session ended reuses that wipe instead of wiping twice. */
const RECENT_END_MS = 30_000;
/** How many command outcomes are remembered, to acknowledge again rather than run again. */
const REMEMBERED_OUTCOMES = 200;

export class Agent {
  readonly queue: ReportQueue;
  private readonly watcher = new KioskWatcher();
  private readonly metrics: Metrics;
  private readonly outcomes = new Map<string, Outcome>();
  private readonly running = new Set<string>();
  private unsentWipe: Outcome | undefined;
  /** The ticket this PC is held for, as last shown by the onHold hook. */
  private heldFor: string | undefined;
  private lastEnd: { at: number; outcome: Outcome } | undefined;
  /** Hooks run one at a time, in the order they were asked for. */
  private hookChain: Promise<unknown> = Promise.resolve();
  /** Whether the last exchange with the server reached it (undefined before the first). */
  private reachable: boolean | undefined;
  private refusal: string | undefined;
  private job: ScheduledJob | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly d: AgentDeps) {
    this.queue = new ReportQueue(d.config.queueLimit);
    this.metrics = new Metrics(d.si);
  }

  /** Starts the heartbeat schedule and the session polling; sends a first heartbeat at once. */
  start(): void {
    this.job = (this.d.scheduler ?? nodeCronScheduler)(this.d.config.heartbeatCron, async () => void (await this.heartbeat()));
    void this.heartbeat();
    this.pollLoop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.job?.stop();
    clearTimeout(this.pollTimer);
    await this.hookChain.catch(() => undefined);
    this.d.http.close();
  }

  /** Measures, queues and sends. Resolves true when every queued report was delivered; never rejects. */
  async heartbeat(): Promise<boolean> {
    try {
      const report = await this.metrics.report({
        at: this.d.clock.now(),
        agentVersion: this.d.version,
        intervalSeconds: this.intervalSeconds(),
        droppedReports: this.queue.dropped,
        // Whether the portal answers is learnt by sending this very report, just below.
        portalReachable: true,
      });
      this.queue.push(report);
      const delivered = await this.flush();
      if (!delivered && this.reachable === false) report.portalReachable = false; // still queued: it waits with the truth
      if (this.unsentWipe) await this.sendWipe(this.unsentWipe);
      return delivered;
    } catch (err) {
      this.d.logger.error({ err }, 'heartbeat failed');
      return false;
    }
  }

  /** Sends queued reports, oldest first, until the queue is empty or the server cannot take them. */
  async flush(): Promise<boolean> {
    while (this.queue.size > 0) {
      const batch = this.queue.peek(MAX_REPORTS_PER_HEARTBEAT);
      const res = await this.call('POST', '/heartbeat', { reports: batch });
      if (res?.status === 200) {
        this.queue.drop(batch.length);
        const answer = heartbeatAnswerSchema.safeParse(res.body);
        if (answer.success) await this.handleCommands(answer.data.commands);
      } else if (res?.status === 400 || res?.status === 413) {
        // Refused for good (it would be refused again): drop it rather than block the queue.
        this.queue.drop(batch.length);
        this.d.logger.error({ status: res.status, message: messageOf(res) }, 'the server refused reports');
      } else {
        return false;
      }
    }
    return true;
  }

  /** Asks for the kiosk session's state and commands; acts on both. Never rejects. */
  async pollSession(): Promise<void> {
    try {
      const res = await this.call('GET', '/session');
      const answer = res?.status === 200 ? sessionAnswerSchema.safeParse(res.body) : undefined;
      if (!answer?.success) {
        // No answer: warnings and the end by time still happen, by this machine's clock.
        await this.apply(this.watcher.tick(this.d.clock.now()));
        return;
      }
      // Commands first: after an "end session" the state below says the session ended.
      await this.handleCommands(answer.data.commands);
      await this.apply(this.watcher.update(answer.data.session, this.d.clock.now()));
      await this.showHold(answer.data.hold);
    } catch (err) {
      this.d.logger.error({ err }, 'session poll failed');
    }
  }

  /** Runs onHold when the PC becomes held for a ticket (or another one), and when the hold is over. */
  private async showHold(hold: HoldState | undefined): Promise<void> {
    if (hold?.ticket === this.heldFor) return;
    this.heldFor = hold?.ticket;
    if (hold) await this.runHook('onHold', { THRESHOLD_EVENT: 'hold', THRESHOLD_TICKET: hold.ticket, THRESHOLD_HOLD_SECONDS: String(hold.secondsLeft) });
    else await this.runHook('onHold', { THRESHOLD_EVENT: 'hold-end' });
  }

  /** The ticket this PC is held for, as far as the agent knows. */
  get holdTicket(): string | undefined {
    return this.heldFor;
  }

  /** Whether a kiosk session is live as far as the agent knows. */
  get sessionLive(): boolean {
    return this.watcher.live;
  }

  private pollLoop(): void {
    if (this.stopped) return;
    void this.pollSession().finally(() => {
      if (this.stopped) return;
      const seconds = this.watcher.live ? this.d.config.sessionPollSeconds : this.d.config.idlePollSeconds;
      this.pollTimer = setTimeout(() => this.pollLoop(), seconds * 1000);
    });
  }

  private async apply(events: KioskEvent[]): Promise<void> {
    for (const e of events) {
      if (e.type === 'warning') {
        await this.runHook('onWarning', { THRESHOLD_EVENT: 'warning', THRESHOLD_MINUTES_LEFT: String(e.minutesLeft) });
      } else await this.endSession(e.reason);
    }
  }

  /** Runs the end-of-session hook (log out, wipe) and reports whether the wipe worked. */
  private async endSession(reason: EndedReason): Promise<Outcome> {
    const outcome = await this.runHook('onSessionEnd', { THRESHOLD_EVENT: 'session-end', THRESHOLD_END_REASON: reason });
    this.lastEnd = { at: this.d.clock.now(), outcome };
    // No line per session (its time would mark one patron's end): only a wipe that failed, which
    // staff must act on.
    if (!outcome.ok) this.d.logger.warn({ event: 'wipe.failed', reason: outcome.reason }, 'the end-of-session wipe failed');
    await this.sendWipe(outcome);
    return outcome;
  }

  private async sendWipe(outcome: Outcome): Promise<void> {
    this.unsentWipe = outcome;
    const res = await this.call('POST', '/wipe', outcome);
    // Sent, or refused for good: either way, do not send it again.
    if (res && res.status < 500 && res.status !== 429) this.unsentWipe = undefined;
  }

  private async handleCommands(commands: DeliveredCommand[]): Promise<void> {
    for (const c of commands) {
      if (this.running.has(c.id)) continue;
      let outcome = this.outcomes.get(c.id);
      if (!outcome) {
        this.running.add(c.id);
        try {
          outcome = await this.execute(c);
        } finally {
          this.running.delete(c.id);
        }
        this.outcomes.set(c.id, outcome);
        if (this.outcomes.size > REMEMBERED_OUTCOMES) this.outcomes.delete(this.outcomes.keys().next().value!);
      }
      // An acknowledgement that does not arrive is sent again when the command comes back.
      await this.call('POST', `/commands/${encodeURIComponent(c.id)}/ack`, outcome);
    }
  }

  private async execute(c: DeliveredCommand): Promise<Outcome> {
    this.d.logger.info({ event: 'command', kind: c.kind }, 'running a staff command');
    if (c.kind === 'end-session') {
      this.watcher.endNow();
      const recent = this.lastEnd && this.d.clock.now() - this.lastEnd.at < RECENT_END_MS;
      return recent ? this.lastEnd!.outcome : this.endSession('staff');
    }
    return this.runHook(HOOK_FOR[c.kind], { THRESHOLD_EVENT: c.kind, ...(c.message !== undefined && { THRESHOLD_MESSAGE: c.message }) });
  }

  private runHook(name: HookName, env: Record<string, string>): Promise<Outcome> {
    const argv = this.d.config.hooks[name];
    const run = (): Promise<Outcome> =>
      argv ? this.d.hooks.run(argv, env, this.d.config.hookTimeoutSeconds * 1000) : Promise.resolve({ ok: false, reason: 'no-hook' });
    const result = this.hookChain.then(run, run);
    this.hookChain = result;
    return result;
  }

  /** One request to the agent API; undefined when the server cannot be reached. */
  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<AgentResponse | undefined> {
    let res: AgentResponse;
    try {
      res = await this.d.http.request(method, AGENT_API_BASE + path, { body, token: this.d.config.token });
    } catch (err) {
      if (this.reachable !== false) this.d.logger.warn({ reason: (err as Error).message }, 'server unreachable: reports wait in the queue');
      this.reachable = false;
      return undefined;
    }
    if (this.reachable === false) this.d.logger.info({ queued: this.queue.size }, 'server reachable again');
    this.reachable = true;
    if (res.status === 401 || res.status === 403) {
      const message = messageOf(res);
      if (message !== this.refusal) this.d.logger.error({ status: res.status, message }, 'the server refused this workstation');
      this.refusal = message;
    } else this.refusal = undefined;
    return res;
  }

  /** Seconds to the next scheduled heartbeat, so the server knows when to call this machine offline. */
  private intervalSeconds(): number {
    const next = this.job?.nextRunAt();
    return next === undefined ? 60 : Math.max(1, Math.round((next - this.d.clock.now()) / 1000));
  }
}

function messageOf(res: AgentResponse): string {
  const m = (res.body as { error?: { message?: unknown } } | undefined)?.error?.message;
  return typeof m === 'string' ? m : `HTTP ${res.status}`;
}
