// The round trips a patron's request waits for, written to the socket at once and together: an
// explicit pipeline is written when it is executed (auto-pipelining, which held a command until
// the loop's next check phase, is off: store.ts). Not on Cluster: there the commands are in
// different slots, and each is written when called.
import { Cluster } from 'ioredis';
import type { RedisClient } from './connection';
import { runScript, type Script } from './scripts';
import { retryTransient } from './transient';

/** One command of a round trip: a script by hash (EVAL where the node lacks it), or a plain command. */
export type Call = { script: Script; keys: string[]; args: (string | number)[] } | { command: string; args: (string | number)[] };

/** Sends `calls` in one write now and resolves with their replies in order; rejects with the first error. */
export async function sendNow(client: RedisClient, calls: readonly Call[]): Promise<unknown[]> {
  if (client instanceof Cluster) return Promise.all(calls.map((c) => sendOne(client, c)));
  const pipe = client.pipeline();
  for (const c of calls) {
    if ('script' in c) pipe.evalsha(c.script.sha, c.keys.length, ...c.keys, ...c.args);
    else pipe.call(c.command, ...c.args);
  }
  const results = (await pipe.exec()) ?? [];
  return Promise.all(
    calls.map((c, i) => {
      const [err, value] = results[i] ?? [new Error('Redis pipeline gave no reply'), undefined];
      if (!err) return value;
      // A node that has not seen the script yet (a restart, a failover): loaded by EVAL, once.
      if ('script' in c && err.message.startsWith('NOSCRIPT')) return sendOne(client, c);
      throw err;
    }),
  );
}

function sendOne(client: RedisClient, c: Call): Promise<unknown> {
  return 'script' in c ? runScript(client, c.script, c.keys, c.args) : retryTransient(() => client.call(c.command, ...c.args));
}
