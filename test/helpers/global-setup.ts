// Jest global setup: a private redis-server on a free port (or REDIS_URL), published to the
// test workers as TEST_REDIS_URL. The teardown stops what this started.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { connectTestRedis } from './redis';

export const REDIS_MISSING = 'redis-server is missing: install it with "apt-get install -y redis-server"';

/** What the teardown needs; setup and teardown run in the same process. */
export interface TestRedisServer {
  child: ChildProcess;
  dir: string;
}

declare global {
  var __thresholdTestRedis: TestRedisServer | undefined;
}

const READY_TIMEOUT_MS = 10_000;

export default async function globalSetup(): Promise<void> {
  if (process.env.REDIS_URL) {
    const client = await connectTestRedis(process.env.REDIS_URL);
    await client.quit();
    process.env.TEST_REDIS_URL = process.env.REDIS_URL;
    return;
  }
  const binary = findOnPath('redis-server');
  if (!binary) throw new Error(REDIS_MISSING);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-redis-'));
  let lastError: unknown;
  // A free port can be taken between the probe and the bind: try a few.
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(
      binary,
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no',
        '--dir', dir, '--logfile', path.join(dir, 'redis.log')],
      { stdio: 'ignore' },
    );
    child.unref();
    try {
      await waitForPong(port, child);
      globalThis.__thresholdTestRedis = { child, dir };
      process.env.TEST_REDIS_PID = String(child.pid);
      process.env.TEST_REDIS_URL = `redis://127.0.0.1:${port}`;
      return;
    } catch (err) {
      lastError = err;
      child.kill('SIGKILL');
    }
  }
  const log = readLog(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  throw new Error(`could not start redis-server: ${String(lastError)}${log ? `\n${log}` : ''}`);
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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      server.close(() => (addr && typeof addr === 'object' ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** Resolves once the server answers PING with PONG; rejects if it exits or takes too long. */
export async function waitForPong(port: number, child: ChildProcess): Promise<void> {
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `redis-server exited (${signal ?? code})`));
  child.once('error', (err) => (exited = `redis-server failed: ${err.message}`));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exited) throw new Error(exited);
    if (await pingOnce(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer PING on port ${port} within ${READY_TIMEOUT_MS} ms`);
}

function pingOnce(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

function readLog(dir: string): string {
  try {
    return fs.readFileSync(path.join(dir, 'redis.log'), 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}
