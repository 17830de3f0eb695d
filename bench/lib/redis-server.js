// A private redis-server for a bench run, on a free loopback port with its own temp dir and no
// persistence (the approach of test/helpers/global-setup.ts). Never the system Redis on 6379.
const { spawn, execFileSync } = require('node:child_process');
const path = require('node:path');
const { setTimeout } = require('node:timers');
const { Redis } = require('ioredis');
const { freePort, tempDir, killOnExit } = require('./common');

const READY_TIMEOUT_MS = 10_000;

async function startRedis() {
  let binary;
  try {
    binary = execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('redis-server is missing: install it with "apt-get install -y redis-server"');
  }
  const dir = tempDir('redis');
  const port = await freePort();
  const child = spawn(
    binary,
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no',
      '--dir', dir, '--logfile', path.join(dir, 'redis.log')],
    { stdio: 'ignore' },
  );
  killOnExit(child);
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}); see ${dir}/redis.log`);
    try {
      await client.connect();
      if ((await client.ping()) === 'PONG') break;
    } catch {
      client.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`redis-server did not answer PING on port ${port} within ${READY_TIMEOUT_MS} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url,
    /** INFO memory's used_memory, in bytes. */
    async usedMemory() {
      const info = await client.info('memory');
      return Number(/^used_memory:(\d+)/m.exec(info)[1]);
    },
    /** CPU seconds redis-server has used (INFO cpu, user + system, main thread and children). */
    async cpuSeconds() {
      const info = await client.info('cpu');
      return [...info.matchAll(/^used_cpu_(?:sys|user)(?:_children)?:([\d.]+)/gm)].reduce((a, m) => a + Number(m[1]), 0);
    },
    /** Commands redis-server has processed so far (INFO stats), to count commands per grant. */
    async commandsProcessed() {
      const info = await client.info('stats');
      return Number(/^total_commands_processed:(\d+)/m.exec(info)[1]);
    },
    async dbsize() {
      return client.dbsize();
    },
    async flush() {
      await client.flushall();
    },
    async stop() {
      client.disconnect();
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

module.exports = { startRedis };
