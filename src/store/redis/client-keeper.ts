// Owns the Redis store's client: connects and closes it, and when it ends by itself (ioredis
// gives up for good) puts a fresh one with the same options in its place, so the store works again.
import type { Logger } from '../../logger';
import { closeRedisClient, type RedisClient } from './connection';

/** How long `connect` waits for the client to be ready. */
const CONNECT_TIMEOUT_MS = 5000;
/** How soon a client that ended by itself is replaced; doubled while replacements end too, up to the most. */
export const REVIVE_FIRST_MS = 200;
export const REVIVE_MOST_MS = 5000;

/**
 * The one client of a Redis store at a time. Every user reads `client` when it sends, so a
 * replacement is seen by the next command: the swap is one assignment, and events of a replaced
 * client are ignored. Host and port are never logged (the URL names them).
 */
export class ClientKeeper {
  private current: RedisClient;
  /** The last connection error of the current client, cleared when it is ready. */
  lastError: Error | undefined;
  /** Clients put in place of one that ended by itself, since start. */
  revivals = 0;
  /** Closed or disconnected by the store: an end is then not revived. */
  private stopped = false;
  private wasReady = false;
  /** A client ended by itself and none has been ready since (one warning per outage). */
  private endedUnready = false;
  private reviving: NodeJS.Timeout | undefined;
  private reviveDelay = REVIVE_FIRST_MS;
  private readonly reconnectListeners: (() => void)[] = [];
  private readonly readyWaiters: (() => void)[] = [];

  /**
   * @param make creates a client that has not connected yet, with the store's options
   * @param where the store's URL with passwords hidden, for error messages (never logged)
   */
  constructor(
    private readonly make: () => RedisClient,
    private readonly where: string,
    private readonly logger?: Logger,
  ) {
    this.current = this.create();
  }

  /** The client in use now: read it for each command, never keep it. */
  get client(): RedisClient {
    return this.current;
  }

  /** Calls `listener` after each reconnect, failover or revival (not the first connect). */
  onReconnect(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  private create(): RedisClient {
    const client = this.make();
    const mine = () => client === this.current;
    // Without a listener ioredis prints every reconnect error; keep the last one for messages.
    client.on('error', (err: Error) => {
      if (mine()) this.lastError = err;
    });
    client.on('ready', () => {
      if (!mine()) return;
      this.lastError = undefined;
      this.reviveDelay = REVIVE_FIRST_MS;
      if (this.endedUnready) {
        this.endedUnready = false;
        this.logger?.info({ event: 'store.client_revived', revivals: this.revivals }, 'a new store client took the place of the one that ended, and is connected');
      }
      if (this.wasReady) this.emitReconnect();
      this.wasReady = true;
      for (const resolve of this.readyWaiters.splice(0)) resolve();
    });
    // ioredis stops for good ('end': every command fails "Connection is closed" from then on)
    // when its retry strategy gives up, or when its connector is closed while it connects: on
    // Sentinel, the failover detector of the lost connection does that when +switch-master
    // arrives while the client reconnects. Seen in the kill -9 burst on a loaded machine: the
    // gateway kept every later grant to itself and never wrote one.
    client.on('end', () => {
      if (mine()) this.ended(client);
    });
    // A Cluster client stays ready through a failover; its node list changes instead.
    client.on('-node', () => {
      if (mine()) this.emitReconnect();
    });
    return client;
  }

  private emitReconnect(): void {
    if (this.stopped) return;
    for (const l of this.reconnectListeners) l();
  }

  /** The current client ended without `close` or `disconnect`: a fresh one takes its place shortly. */
  private ended(client: RedisClient): void {
    if (this.stopped || this.reviving) return;
    if (!this.endedUnready) {
      this.endedUnready = true;
      this.logger?.warn({ event: 'store.client_ended' }, 'the store client stopped reconnecting by itself; a new one takes its place');
    }
    this.reviving = setTimeout(() => {
      this.reviving = undefined;
      // Connected again meanwhile (`connect`), or closed: nothing to replace.
      if (this.stopped || client !== this.current || client.status !== 'end') return;
      this.current = this.create();
      this.revivals++;
      // What an ended client may still hold (a Sentinel failover detector's subscriptions) goes.
      client.disconnect();
      // A fresh client that ends too is replaced later and later, never in a tight loop.
      this.reviveDelay = Math.min(this.reviveDelay * 2, REVIVE_MOST_MS);
      // A failure ends it again (and that 'end' comes back here) or it retries by itself.
      this.current.connect().catch(() => undefined);
    }, this.reviveDelay);
    // A revival never keeps the process alive on its own.
    this.reviving.unref();
  }

  /** Connects (or waits for the reconnect under way); after a failure, stops the client and throws. */
  async connect(): Promise<void> {
    const c = this.current;
    if (c.status === 'ready') return;
    const stopped = this.stopped;
    this.stopped = false;
    // Already on its way (reconnecting by itself, or a replacement): wait for it. Otherwise connect now.
    const underway = !stopped && (this.reviving !== undefined || ['connecting', 'connect', 'reconnecting'].includes(c.status));
    const ready = underway ? new Promise<void>((resolve) => this.readyWaiters.push(resolve)) : c.connect();
    try {
      await withTimeout(ready, CONNECT_TIMEOUT_MS, `not ready within ${CONNECT_TIMEOUT_MS} ms`);
    } catch (err) {
      this.disconnect();
      throw new Error(`Redis at ${this.where} is unreachable: ${reason(err, this.lastError)}`, { cause: err });
    }
  }

  /** Closes the client for good (QUIT when connected); its end is not revived. */
  async close(): Promise<void> {
    if (this.stopped) return;
    this.stop();
    await closeRedisClient(this.current);
  }

  /** Stops the client and its reconnecting, once; `connect` starts it again. */
  disconnect(): void {
    if (this.stopped) return;
    this.stop();
    this.current.disconnect();
  }

  private stop(): void {
    this.stopped = true;
    if (this.reviving) clearTimeout(this.reviving);
    this.reviving = undefined;
  }
}

/** An error's message, with the last connection error when it says more. */
export function reason(err: unknown, last: Error | undefined): string {
  const msg = err instanceof Error ? err.message : String(err);
  return last && !msg.includes(last.message) ? `${msg} (last connection error: ${last.message})` : msg;
}

export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
