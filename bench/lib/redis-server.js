// A private redis-server for a bench run, on a free loopback port with its own temp dir and no
// persistence (the approach of test/helpers/global-setup.ts). Never the system Redis on 6379.
const { setInterval, clearInterval } = require('node:timers');
const { Redis } = require('ioredis');
const { tempDir, freePort, killOnExit } = require('./common');
const { registerTs } = require('./ts-require');
// One launcher for tests and benches: test/helpers/redis-processes.ts (compiled on load through
// ts-require), which also finds redis-server and says how to install it. Only the bench's own
// process loads this file, never the gateway child whose heap the bench measures.
registerTs();
const { spawnRedis, waitForPong } = require('../../test/helpers/redis-processes.ts');

async function startRedis() {
  const dir = tempDir('redis');
  const port = await freePort();
  const proc = spawnRedis(dir, port, []);
  const { child } = proc;
  killOnExit(child);
  // Listened for from the start, so stop() cannot miss an exit that came first. The child is
  // unref'd (spawnRedis): a wait for its exit alone would not keep this process alive, and a
  // bench would end with exit 0 in the middle of its run, its error never reported.
  let stopping = false;
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  void exited.then((how) => {
    if (stopping) return;
    // Killed under the bench (the OOM killer, a broad pkill): every figure after this is void.
    console.error(`bench redis-server on port ${port} exited (${how}) while the bench was using it: stopping the bench`);
    process.exit(1);
  });
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
      stopping = true;
      client.disconnect();
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      // Ref'd while waiting, so the wait itself keeps this process alive until redis-server is gone.
      const keepAlive = setInterval(() => {}, 1000);
      try {
        await exited;
      } finally {
        clearInterval(keepAlive);
      }
    },
  };
}

module.exports = { startRedis };
