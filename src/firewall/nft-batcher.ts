// Coalesces firewall changes into batches: a change asked for while nothing is being applied
// leaves at once (with whatever arrived in the same turn of the event loop); changes asked for
// while a batch is being applied wait for it and go to the kernel together in the next one.
// Each caller waits for the batch that carries its change.

/** A change to one client; the last change asked for a key in a batch wins. */
export interface BatchChange<Op> {
  key: string;
  op: Op;
}

export interface BatcherOptions<Op> {
  /** Applies one batch (one nft transaction); rejects when the kernel refused it. */
  apply(ops: Op[]): Promise<void>;
  /**
   * How long the first change of a batch waits for others to join it (DEFAULT_WINDOW_MS). A
   * window made sense when each batch cost a process; on the long-lived channel a batch costs
   * a line, and the time one batch takes to apply is window enough for the next.
   */
  windowMs?: number;
}

/** No wait: a login on an idle gateway is not held back for others that may never come. */
export const DEFAULT_WINDOW_MS = 0;

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
  keys: string[];
}

interface Pending<Op> {
  ops: Map<string, Op>;
  waiters: Waiter[];
  /** When the batch's first change arrived (performance.now()). */
  since: number;
}

export class Batcher<Op> {
  private next: Pending<Op> | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private current: Promise<void> | undefined;
  private batches = 0;

  constructor(private readonly opts: BatcherOptions<Op>) {}

  /** How many batches were applied (each is one nft transaction). */
  get applied(): number {
    return this.batches;
  }

  /** Queues changes; resolves once the kernel has them, rejects with the kernel's refusal. */
  submit(changes: BatchChange<Op>[]): Promise<void> {
    if (!changes.length) return Promise.resolve();
    this.next ??= { ops: new Map(), waiters: [], since: performance.now() };
    const pending = this.next;
    for (const c of changes) {
      // Re-inserting moves the key last, so the batch keeps the order of the final changes.
      pending.ops.delete(c.key);
      pending.ops.set(c.key, c.op);
    }
    const done = new Promise<void>((resolve, reject) => pending.waiters.push({ resolve, reject, keys: changes.map((c) => c.key) }));
    this.schedule();
    return done;
  }

  /** Resolves once every change asked for so far has been applied or refused. */
  async drain(): Promise<void> {
    if (this.next) {
      const pending = this.next;
      await new Promise<void>((resolve) => pending.waiters.push({ resolve, reject: () => resolve(), keys: [] }));
    } else if (this.current) await this.current;
  }

  /**
   * A batch leaves once its first change has waited the window (if any) and the previous batch
   * is done: under load, batches grow instead of multiplying. With no window it leaves on the
   * next turn of the loop, so changes asked for in the same turn (one staff action's revokes,
   * requests read in one go) share it.
   */
  private schedule(): void {
    if (this.running || this.timer || this.immediate || !this.next) return;
    const delay = Math.max(0, this.next.since + (this.opts.windowMs ?? DEFAULT_WINDOW_MS) - performance.now());
    const go = () => {
      this.timer = undefined;
      this.immediate = undefined;
      void this.flush();
    };
    if (delay > 0) this.timer = setTimeout(go, delay);
    else this.immediate = setImmediate(go);
  }

  private async flush(): Promise<void> {
    const batch = this.next;
    if (!batch) return;
    this.next = undefined;
    this.running = true;
    this.current = this.applyBatch(batch);
    try {
      await this.current;
    } finally {
      this.running = false;
      this.current = undefined;
      this.schedule();
    }
  }

  private async applyBatch(batch: Pending<Op>): Promise<void> {
    try {
      this.batches++;
      await this.opts.apply([...batch.ops.values()]);
      for (const w of batch.waiters) w.resolve();
    } catch (err) {
      if (batch.waiters.length === 1) {
        batch.waiters[0]!.reject(err);
        return;
      }
      // One bad change must not fail everyone's: retry each caller's changes on its own.
      for (const w of batch.waiters) {
        const ops = w.keys.map((k) => batch.ops.get(k)).filter((o): o is Op => o !== undefined);
        if (!ops.length) {
          w.resolve();
          continue;
        }
        try {
          this.batches++;
          await this.opts.apply(ops);
          w.resolve();
        } catch (e) {
          w.reject(e);
        }
      }
    }
  }
}
