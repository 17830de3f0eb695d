// A redis-server of a test's own, with both kinds of persistence on (AOF, fsync always, and RDB
// snapshots), so the privacy audit can search every byte Redis writes to disk.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REDIS_MISSING, findOnPath, freePorts, waitForPong } from './redis-processes';
import { connectTestRedis } from './redis';

export interface PersistentRedis {
  url: string;
  /** Where Redis writes its AOF directory and dump.rdb. */
  dir: string;
  /** Writes an RDB snapshot now (SAVE). */
  save(): Promise<void>;
  /** Stops Redis (it writes a last snapshot first) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * @param opts.unixSocket also listen on this Unix socket (outside `dir`): a server process in a
 *   network namespace reaches it through a relay there, as it cannot reach this loopback
 */
export async function startPersistentRedis(opts: { unixSocket?: string } = {}): Promise<PersistentRedis> {
  const binary = findOnPath('redis-server');
  if (!binary) throw new Error(REDIS_MISSING);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-redis-aof-'));
  const [port] = await freePorts(1);
  const log = path.join(dir, 'redis.log');
  const child: ChildProcess = spawn(binary, [
    '--port', String(port!), '--bind', '127.0.0.1', '--dir', dir, '--daemonize', 'no',
    '--appendonly', 'yes', '--appendfsync', 'always', '--save', '1 1', '--logfile', log,
    ...(opts.unixSocket ? ['--unixsocket', opts.unixSocket, '--unixsocketperm', '700'] : []),
  ], { stdio: 'ignore' });
  await waitForPong([{ port: port!, child, log }]);
  const url = `redis://127.0.0.1:${port}`;
  let stopped = false;
  return {
    url,
    dir,
    async save() {
      const c = await connectTestRedis(url);
      try {
        // `--save 1 1` starts snapshots of its own: wait for one under way to finish, then save.
        const deadline = Date.now() + 20_000;
        for (;;) {
          try {
            await c.save();
            break;
          } catch (err) {
            if (!/already in progress/.test((err as Error).message) || Date.now() > deadline) throw err;
            await new Promise((r) => setTimeout(r, 50));
          }
        }
      } finally {
        await c.quit();
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
