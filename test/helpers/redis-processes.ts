// Starting and stopping redis-server processes for the tests: free ports, waiting on a
// condition (never a fixed time), logs kept for the error message when a start fails.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';

export const REDIS_MISSING = 'redis-server is missing: install it with "apt-get install -y redis-server"';
const STOP_TIMEOUT_MS = 5000;

/** One redis-server (or sentinel) process the tests started. */
export interface RedisProcess {
  port: number;
  child: ChildProcess;
  log: string;
}

export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

export function redisBinary(name = 'redis-server'): string {
  const binary = findOnPath(name);
  if (!binary) throw new Error(REDIS_MISSING);
  return binary;
}

export { freePorts } from './ports';

/** Spawns redis-server with these arguments (`--port` first) logging into `dir`. */
export function spawnRedis(dir: string, port: number, args: string[], first: string[] = []): RedisProcess {
  const log = path.join(dir, `redis-${port}.log`);
  const child = spawn(
    redisBinary(),
    [...first, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no', '--repl-diskless-sync-delay', '0',
      '--dir', dir, '--logfile', log, ...args],
    { stdio: 'ignore' },
  );
  child.unref();
  child.on('error', () => undefined);
  return { port, child, log };
}

/** A plain client to one node that never retries (for the harness's own checks). */
export function nodeClient(port: number): Redis {
  const c = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  c.on('error', () => undefined);
  return c;
}

/** Runs one command on one node; undefined when the node does not answer. */
export async function askNode(port: number, ...command: string[]): Promise<unknown> {
  const c = nodeClient(port);
  try {
    await c.connect();
    return await c.call(command[0]!, ...command.slice(1));
  } catch {
    return undefined;
  } finally {
    c.disconnect();
  }
}

/** Polls `check` until it holds; the error names `what` and the tail of the logs. */
export async function waitFor(what: string, check: () => Promise<boolean>, procs: RedisProcess[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = procs.find((p) => p.child.exitCode !== null || p.child.signalCode !== null);
    if (dead) throw new Error(`redis-server on port ${dead.port} exited while waiting for ${what}:\n${tail(dead.log)}`);
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${procs.map((p) => tail(p.log)).join('\n')}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function waitForPong(procs: RedisProcess[]): Promise<void> {
  return waitFor(
    `PONG from ports ${procs.map((p) => p.port).join(', ')}`,
    async () => (await Promise.all(procs.map((p) => askNode(p.port, 'PING')))).every((r) => r === 'PONG'),
    procs,
  );
}

/** Stops a process: SIGTERM, then SIGKILL if it takes too long. */
export async function stopProcess(p: RedisProcess): Promise<void> {
  const { child } = p;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

export function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

/**
 * Runs a start-up that picked its ports with `freePorts()` again, on fresh ports, when another
 * process took one of them before redis-server could bind it (other suites start servers too).
 */
export async function onFreshPorts<T>(start: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= attempts || !String((err as Error).message).includes('Address already in use')) throw err;
    }
  }
}
