// A private redis-server for a bench run, on a free loopback port with its own temp dir and no
// persistence (the approach of test/helpers/global-setup.ts). Never the system Redis on 6379.
const { Redis } = require('ioredis');
const { tempDir, freePort, killOnExit } = require('./common');
// One launcher for tests and benches: test/helpers/redis-processes.ts (loaded through ts-require,
// registered by ./common), which also finds redis-server and says how to install it.
const { spawnRedis, waitForPong } = require('../../test/helpers/redis-processes.ts');

async function startRedis() {
  const dir = tempDir('redis');
  const port = await freePort();
  const proc = spawnRedis(dir, port, []);
  const { child } = proc;
  killOnExit(child);
  await waitForPong([proc]);
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  await client.connect();
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
