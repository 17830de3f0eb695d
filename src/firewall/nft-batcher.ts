// Coalesces firewall changes into batches: changes asked for within a few milliseconds of each
// other, or while the previous batch is being applied, go to the kernel together in one nft
// process. Each caller waits for the batch that carries its change.

/** A change to one client; the last change asked for a key in a batch wins. */
export interface BatchChange<Op> {
  key: string;
  op: Op;
}

export interface BatcherOptions<Op> {
  /** Applies one batch (one nft process); rejects when the kernel refused it. */
  apply(ops: Op[]): Promise<void>;
  /** How long the first change of a batch waits for others to join it. */
  windowMs?: number;
}

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
  keys: string[];
}

interface Pending<Op> {
  ops: Map<string, Op>;
  waiters: Waiter[];
}

export class Batcher<Op> {
  private next: Pending<Op> | undefined;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;
  private batches = 0;

  constructor(private readonly opts: BatcherOptions<Op>) {}

  /** How many batches were applied (each is one nft process). */
  get applied(): number {
    return this.batches;
  }

  /** Queues changes; resolves once the kernel has them, rejects with the kernel's refusal. */
  submit(changes: BatchChange<Op>[]): Promise<void> {
    if (!changes.length) return Promise.resolve();
    this.next ??= { ops: new Map(), waiters: [] };
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

  private schedule(): void {
    if (this.running || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.opts.windowMs ?? 2);
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
      // Changes that arrived while the kernel was busy have waited long enough: go at once.
      if (this.next) void this.flush();
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
