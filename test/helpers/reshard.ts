// Moves Redis Cluster slots between masters while they are in use, step by step as
// `redis-cli --cluster reshard` does: IMPORTING on the target, MIGRATING on the source, MIGRATE
// key by key, then SETSLOT NODE on the target, the source and every other master.
import type { Redis } from 'ioredis';
import { nodeClient } from './redis-processes';

/** What a reshard moved. */
export interface Moved {
  slot: number;
  from: number;
  to: number;
  keys: number;
  /** How long the slot was MIGRATING (ms). */
  migratingMs: number;
}

async function open(port: number): Promise<Redis> {
  const c = nodeClient(port);
  await c.connect();
  return c;
}

/**
 * Moves `slot` from master `from` to master `to` (ports), keeping it MIGRATING for at least
 * `minMs` so that commands arrive while its keys are split between the two nodes; `during` runs
 * once while they are, alongside.
 */
export async function reshardSlot(slot: number, from: number, to: number, masters: number[], minMs = 300, during?: () => Promise<void>): Promise<Moved> {
  const [src, dst] = await Promise.all([open(from), open(to)]);
  try {
    const [srcId, dstId] = (await Promise.all([src.call('CLUSTER', 'MYID'), dst.call('CLUSTER', 'MYID')])) as string[];
    await dst.call('CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', srcId!);
    await src.call('CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', dstId!);
    const started = Date.now();
    let keys = 0;
    let meanwhile: Promise<void> | undefined;
    for (;;) {
      const batch = (await src.call('CLUSTER', 'GETKEYSINSLOT', String(slot), '10')) as string[];
      for (const key of batch) {
        await src.call('MIGRATE', '127.0.0.1', String(to), key, '0', '5000');
        keys++;
      }
      // Once the slot's keys are split between the two masters: what must work meanwhile (it
      // runs alongside; the slot is not done until its keys are all moved).
      if (during && keys > 0 && !meanwhile) meanwhile = during();
      if (batch.length === 0 && Date.now() - started >= minMs) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const migratingMs = Date.now() - started;
    for (const port of [to, from, ...masters.filter((p) => p !== to && p !== from)]) {
      const c = port === to ? dst : port === from ? src : await open(port);
      await c.call('CLUSTER', 'SETSLOT', String(slot), 'NODE', dstId!);
      if (c !== src && c !== dst) c.disconnect();
    }
    await meanwhile;
    return { slot, from, to, keys, migratingMs };
  } finally {
    src.disconnect();
    dst.disconnect();
  }
}

/** The port of the master serving `slot`, from any node's CLUSTER SLOTS. */
export async function slotOwner(anyPort: number, slot: number): Promise<number> {
  const c = await open(anyPort);
  try {
    const ranges = (await c.call('CLUSTER', 'SLOTS')) as [number, number, [string, number, ...unknown[]], ...unknown[]][];
    const range = ranges.find(([lo, hi]) => slot >= lo && slot <= hi);
    if (!range) throw new Error(`no master serves slot ${slot}`);
    return Number(range[2][1]);
  } finally {
    c.disconnect();
  }
}
