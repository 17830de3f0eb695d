// No command Threshold gave up on is written to Redis later. ioredis 6 keeps the commands issued
// while it reconnects in its offline queue and, once connected, sends them all, also those whose
// wait already timed out (commandTimeout rejects the promise, not the queued command); it sends
// again (autoResendUnfulfilledCommands) those a lost connection left unanswered, which may have
// run already; and a Cluster retries a command on another node for seconds after a lost
// connection. This wraps `sendCommand` of every connection (each Cluster node as it is made): a
// command is not written once its own wait is over, once the call it belongs to was given up
// (the outage breaker's limit: `run`), or again after a connection lost before Redis answered.
import { Cluster, ReplyError, type Redis } from 'ioredis';
import type { Abandonable } from '../types';
import type { RedisClient } from './connection';

/** What this module reads of an ioredis Command. */
interface Command {
  name: string;
  args: unknown[];
  isSettled: boolean;
  inTransaction?: boolean;
  pipelineIndex?: number;
  reject(err: Error): void;
  resolve(value: unknown): void;
  promise: Promise<unknown>;
  /** The call it belongs to (null: none), from the first time it was seen. */
  [SCOPE]?: Scope | null;
  /** Written and not answered since (a reply or a Redis error ends that). */
  [UNANSWERED]?: boolean;
  /** Its resolve and reject are wrapped already. */
  [WATCHED]?: boolean;
}

// Marks kept on the command itself: weak tables of every command made would grow with the jobs'
// hundreds of thousands of commands between collections, and their rehashes held the loop for
// about 40 ms in a key rotation at 100,000 sessions (bench/session-memory.js).
const SCOPE = Symbol('scope');
const UNANSWERED = Symbol('unanswered');
const WATCHED = Symbol('watched');

type SendCommand = (command: Command, stream?: object, ...rest: unknown[]) => unknown;

/** A call the caller may give up on. */
interface Scope {
  abandoned: boolean;
}

/** The message of a command not sent because its caller had stopped waiting. */
export const GAVE_UP = 'not sent to Redis: its caller stopped waiting for the store';
/** The message of a command not sent again after its connection was lost before Redis answered. */
export const OUTCOME_UNKNOWN = 'the connection to Redis was lost before it answered (the command may or may not have run); not sent again';

export class LateSends {
  /** The call whose synchronous part is running now (see `run`). */
  private current: Scope | undefined;
  /** The verdict of a transaction's round (ioredis' stream object of one exec), from its first command. */
  private readonly rounds = new WeakMap<object, string | undefined>();
  /** Commands not written because of this (a count, for the tests and diagnosis). */
  dropped = 0;

  /**
   * Runs `fn`; once abandoned, no command it issued in its synchronous part (a store method's
   * commands up to its first await, which is where each of ours sends its one round) is written
   * any more. A command it issues after an await is not tied to it: that would take an
   * AsyncLocalStorage, which makes every promise of the process dearer on Node 20 and 22 (an
   * await micro-benchmark 134 -> 351 ms, about 10% more server CPU per grant). Such a command
   * still is not written once its own wait (commandTimeout) is over.
   */
  run<T>(fn: () => Promise<T>): Abandonable<T> {
    const scope: Scope = { abandoned: false };
    const outer = this.current;
    this.current = scope;
    let result: Promise<T>;
    try {
      result = fn();
    } catch (err) {
      result = Promise.reject(err as Error);
    } finally {
      this.current = outer;
    }
    return { result, abandon: () => void (scope.abandoned = true) };
  }

  /** Guards a client: its own connection (and auto-pipelines), or a Cluster and each node as it is made. */
  install(client: RedisClient): void {
    const c = client as unknown as { sendCommand: SendCommand; pipeline(...a: unknown[]): { sendCommand: (command: Command) => unknown } };
    // Auto-pipelined commands reach the connection a turn later: their call is known when they are made.
    const pipeline = c.pipeline.bind(client);
    c.pipeline = (...a) => {
      const p = pipeline(...a);
      const add = p.sendCommand.bind(p);
      p.sendCommand = (command) => {
        this.see(command);
        return add(command);
      };
      return p;
    };
    if (!(client instanceof Cluster)) return this.wrap(client);
    // A command the Cluster retries later may never have reached a node: its call is known here.
    const send = c.sendCommand.bind(client);
    c.sendCommand = (command, ...rest) => {
      this.see(command);
      return send(command, ...rest);
    };
    client.on('+node', (node: Redis) => this.wrap(node));
  }

  private see(command: Command): void {
    if (command[SCOPE] === undefined) command[SCOPE] = this.current ?? null;
  }

  private wrap(conn: Redis): void {
    const c = conn as unknown as { sendCommand: SendCommand; offlineQueue: { length: number } };
    const send = c.sendCommand.bind(conn);
    c.sendCommand = (command, stream) => {
      this.see(command);
      const verdict = this.verdict(command, stream);
      if (verdict !== undefined) {
        this.dropped++;
        if (!command.isSettled) command.reject(new Error(verdict));
        // A transaction is written whole or not at all. A command of a plain pipeline keeps its
        // place (the replies are matched by order) as a PING, so the others go on.
        if (!stream || !(stream as { isPipeline?: boolean }).isPipeline || this.inTransaction(command)) return command.promise;
        command.name = 'ping';
        command.args = [];
      }
      const queued = c.offlineQueue.length;
      const result = send(command, stream);
      // Written (not queued for later, not refused at once): unanswered until a reply comes.
      if (verdict === undefined && c.offlineQueue.length === queued && !command.isSettled) this.written(command);
      return result;
    };
  }

  private inTransaction(command: Command): boolean {
    return command.inTransaction === true || command.name === 'multi' || command.name === 'exec';
  }

  private verdict(command: Command, stream: object | undefined): string | undefined {
    const round = stream && this.inTransaction(command) ? stream : undefined;
    if (round && command.pipelineIndex !== 0 && this.rounds.has(round)) return this.rounds.get(round);
    const verdict = this.own(command);
    if (round) this.rounds.set(round, verdict);
    return verdict;
  }

  private own(command: Command): string | undefined {
    if (command.isSettled || command[SCOPE]?.abandoned) return GAVE_UP;
    if (command[UNANSWERED]) return OUTCOME_UNKNOWN;
    return undefined;
  }

  /** Marks a command written; a reply or a Redis error (a MOVED, a TRYAGAIN …) answers it. */
  private written(command: Command): void {
    command[UNANSWERED] = true;
    if (command[WATCHED]) return;
    command[WATCHED] = true;
    const { resolve, reject } = command;
    command.resolve = (value) => {
      command[UNANSWERED] = false;
      resolve.call(command, value);
    };
    command.reject = (err) => {
      if (err instanceof ReplyError) command[UNANSWERED] = false;
      reject.call(command, err);
    };
  }
}
