// The queue part of the Redis store: one hash per zone under its own hash tag, changed by one
// compare-and-set script, so gateways sharing Redis (Cluster included) never lose an update.
import type { Clock } from '../../domain/clock';
import type { QueueStore, StoredQueue, ZoneQueue } from '../queue-types';
import type { RedisClient } from './connection';
import * as K from './keys';
import { QUEUE_CAS, runScript } from './scripts';

export class RedisQueue implements QueueStore {
  constructor(
    /** The store's client now (it may be replaced): read for each command. */
    private readonly clientNow: () => RedisClient,
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  private get client(): RedisClient {
    return this.clientNow();
  }

  async read(zoneId: string): Promise<StoredQueue | undefined> {
    const [v, doc] = await this.client.hmget(K.queueKey(this.prefix, zoneId), 'v', 'doc');
    if (!v || !doc) return undefined;
    return { version: Number(v), queue: JSON.parse(doc) as ZoneQueue };
  }

  async write(zoneId: string, expected: number, next: ZoneQueue | undefined, expiresAt: number): Promise<boolean> {
    const ttl = K.ttlMs(expiresAt, this.clock.now());
    const doc = next === undefined ? '' : JSON.stringify(next);
    return Number(await runScript(this.client, QUEUE_CAS, [K.queueKey(this.prefix, zoneId)], [expected, doc, ttl])) === 1;
  }
}
