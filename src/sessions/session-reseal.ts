// The re-seal job (forward secrecy): moves this gateway's live sessions to the current address
// epoch, then destroys every address key no live record uses. Once a session has ended, the key
// that sealed its last record is gone within one epoch and one run (ADDRESS_FORGOTTEN_WITHIN_MS).
import { performance } from 'node:perf_hooks';
import { SLICE_MS, forEachChunk, yieldToLoop } from '../jobs/chunks';
import type { LiveSession, LiveView } from './live-view';
import type { SessionServiceDeps } from './session-types';
import type { SealedChange, SessionRecord } from '../store/types';
import { sealAddress } from './stored-record';

/**
 * At most this many records per compare-and-set batch (one transaction, or one script per shard). On
 * Redis a chunk's records all come back at once and are parsed in one stretch (200 held the loop
 * up to 26 ms of CPU at 100,000 sessions; 100, about 11).
 */
export const RESEAL_CHUNK = 100;
/**
 * After each chunk the job rests this many times as long as the chunk kept the loop busy, so that it never
 * takes more than half of the event loop from probes and grants: it is not urgent (a run has
 * RESEAL_EVERY_MS; 100,000 sessions take a few seconds).
 */
export const RESEAL_REST = 1;

export interface ResealResult {
  /** Records moved to the current epoch. */
  resealed: number;
  /** Address epochs whose keys were destroyed. */
  destroyed: string[];
}

/** A compare-and-set to send, with the whole record it was read from. */
type Change = SealedChange & { session: SessionRecord };

export class SessionReseal {
  /**
   * The time this job's own code has run (ms), between its awaits: its chunks are sized, and its
   * rests made, by the time they hold the loop, not by the time they wait for the store (on Redis
   * a chunk waits for three round trips, two to read and one to compare-and-set).
   */
  private heldMs = 0;

  constructor(
    private readonly d: Pick<SessionServiceDeps, 'store' | 'keys' | 'clock'>,
    private readonly live: LiveView,
    /** Ids of the grants kept while the store was away and not yet written through (a snapshot). */
    private readonly waiting: () => ReadonlySet<string> = () => new Set(),
    private readonly sliceMs = SLICE_MS,
    private readonly rest = RESEAL_REST,
  ) {}

  /**
   * Walks this gateway's live sessions in memory (never one large read of the store), a chunk at
   * a time: reads the chunk's stored records (the live view keeps no sealed address), then
   * re-seals each from the address held in memory by compare-and-set against the sealed value
   * just read, sent as one transaction (SQLite) or one script per shard (Redis) per chunk. Nothing is
   * copied in memory: a session moved on has only its epoch changed.
   */
  async run(): Promise<ResealResult> {
    const current = this.d.keys.epoch();
    const now = this.d.clock.now();
    // A grant made during the run (the epoch may turn meanwhile) is sealed under `current`.
    const inUse = new Set<string>([current]);
    // Taken before any read: a grant written through after its record was looked for is in it.
    const waiting = this.waiting();
    let resealed = 0;
    let lastMs = 0;
    await forEachChunk(this.due(current, now), async (chunk) => {
      const before = this.heldMs;
      resealed += await this.resealChunk(chunk, current, now, inUse, waiting);
      lastMs = this.heldMs - before;
    }, { sliceMs: this.sliceMs, max: RESEAL_CHUNK, now: () => this.heldMs, pause: () => this.pause(lastMs) });
    const destroyed = this.d.keys.destroyEpochs(inUse);
    // Off the loop: the job ends once the key file no longer holds them.
    await this.d.keys.saved();
    return { resealed, destroyed };
  }

  /** Runs `step` (no await inside) and adds its time to `heldMs`. */
  private held<T>(step: () => T): T {
    const started = performance.now();
    try {
      return step();
    } finally {
      this.heldMs += performance.now() - started;
    }
  }

  /** Lets the event loop run for `rest` times as long as the last chunk held it (a turn at least). */
  private pause(lastMs: number): Promise<void> {
    const ms = Math.round(lastMs * this.rest);
    return ms >= 1 ? new Promise((resolve) => setTimeout(resolve, ms)) : yieldToLoop();
  }

  /** The live sessions whose record is still sealed under an older epoch (an ended one's key may go: a restart revokes it without its address). */
  private *due(current: string, now: number): Generator<LiveSession> {
    for (const s of this.live.values()) {
      const r = s.record;
      if (r.endsAt > now && r.epoch !== current) yield s;
    }
  }

  /** Re-seals a chunk; a record written meanwhile is tried once more against what the store holds. */
  private async resealChunk(chunk: LiveSession[], current: string, now: number, inUse: Set<string>, waiting: ReadonlySet<string>): Promise<number> {
    const { store } = this.d;
    const stored = await this.held(() => store.getSessions(chunk.map((s) => s.record.id)));
    const { moving, changes } = this.held(() => this.plan(chunk, stored, current, now, inUse, waiting));
    if (!changes.length) return 0;
    const done = await this.held(() => store.replaceSealedAddresses(changes));
    let n = 0;
    for (let i = 0; i < moving.length; i++) {
      const s = moving[i]!;
      if (!done[i] && !(await this.retry(s, changes[i]!, current, now, inUse))) continue;
      s.record.epoch = current;
      n++;
    }
    return n;
  }

  /**
   * The sessions of a chunk to move, each with its compare-and-set against the record just read;
   * those moved already take the current epoch. A grant still waiting to be written through keeps
   * the key it was sealed under (its record will be written under it) until a run finds it stored.
   */
  private plan(chunk: LiveSession[], stored: (SessionRecord | undefined)[], current: string, now: number, inUse: Set<string>, waiting: ReadonlySet<string>): { moving: LiveSession[]; changes: Change[] } {
    const { keys } = this.d;
    const moving: LiveSession[] = [];
    const changes: Change[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const s = chunk[i]!;
      const r = stored[i];
      if (!r && waiting.has(s.record.id)) inUse.add(s.record.epoch);
      // Gone or ended in the store: the reconcile and the tick take it out of the view.
      if (!r || r.endsAt <= now) continue;
      if (keys.epochOf(r.day, r.sealedAddress) === current) {
        s.record.epoch = current;
        continue;
      }
      moving.push(s);
      changes.push({ session: r, next: sealAddress(keys, s) });
    }
    return { moving, changes };
  }

  /** One more try for a record written meanwhile, against what the store holds now: true when this moved it. */
  private async retry(s: LiveSession, { session: before, next }: Change, current: string, now: number, inUse: Set<string>): Promise<boolean> {
    const { store, keys } = this.d;
    const again = await store.getSession(s.record.id);
    if (!again || again.endsAt <= now) return false;
    const storedEpoch = keys.epochOf(again.day, again.sealedAddress);
    if (storedEpoch === current) {
      s.record.epoch = current;
      return false;
    }
    if (await store.replaceSealedAddress(again, next)) return true;
    // Still changing: both values keep their keys until the next run.
    inUse.add(keys.epochOf(before.day, before.sealedAddress)).add(storedEpoch);
    return false;
  }
}
