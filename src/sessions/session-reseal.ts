// The re-seal job (forward secrecy): moves this gateway's live sessions to the current address
// epoch, then destroys every address key no live record uses. Once a session has ended, the key
// that sealed its last record is gone within one epoch and one run (ADDRESS_FORGOTTEN_WITHIN_MS).
import { performance } from 'node:perf_hooks';
import type { LiveSession, LiveView } from './live-view';
import type { SessionServiceDeps } from './session-types';

/** Work runs in slices this long (ms) with a turn of the event loop between them. */
export const RESEAL_SLICE_MS = 5;
/** At most this many records per compare-and-set batch. */
export const RESEAL_CHUNK = 200;

export interface ResealResult {
  /** Records moved to the current epoch. */
  resealed: number;
  /** Address epochs whose keys were destroyed. */
  destroyed: string[];
}

/** Yields to the event loop when the current slice has run `sliceMs` (real time, not the domain clock). */
export class Slicer {
  private started = performance.now();
  yields = 0;
  constructor(
    private readonly sliceMs = RESEAL_SLICE_MS,
    private readonly pause: () => Promise<void> = () => new Promise((r) => setImmediate(r)),
  ) {}

  /** True once the current slice has run its time. */
  due(): boolean {
    return performance.now() - this.started >= this.sliceMs;
  }

  async maybeYield(): Promise<void> {
    if (!this.due()) return;
    this.yields++;
    await this.pause();
    this.started = performance.now();
  }
}

export class SessionReseal {
  constructor(
    private readonly d: Pick<SessionServiceDeps, 'store' | 'keys' | 'clock'>,
    private readonly live: LiveView,
    private readonly sliceMs = RESEAL_SLICE_MS,
  ) {}

  /**
   * Walks this gateway's live sessions in memory (never one large read of the store), re-sealing
   * them from the addresses held in memory, a chunk at a time: one compare-and-set per record,
   * sent as one transaction (SQLite) or one pipeline (Redis) per chunk.
   */
  async run(): Promise<ResealResult> {
    const slicer = new Slicer(this.sliceMs);
    const current = this.d.keys.epoch();
    const now = this.d.clock.now();
    const inUse = new Set<string>();
    let resealed = 0;
    let chunk: LiveSession[] = [];
    const flush = async () => {
      resealed += await this.resealChunk(chunk, current, now, inUse);
      chunk = [];
    };
    for (const s of this.live.all()) {
      const r = s.record;
      // An ended session's key may go: a restart revokes it without its address.
      if (r.endsAt <= now || this.d.keys.epochOf(r.day, r.sealedAddress) === current) continue;
      chunk.push(s);
      if (chunk.length >= RESEAL_CHUNK || slicer.due()) {
        await flush();
        await slicer.maybeYield();
      }
    }
    if (chunk.length) await flush();
    return { resealed, destroyed: this.d.keys.destroyEpochs(inUse) };
  }

  /** Re-seals a chunk; a record written meanwhile is tried once more against what the store holds. */
  private async resealChunk(chunk: LiveSession[], current: string, now: number, inUse: Set<string>): Promise<number> {
    const { store, keys } = this.d;
    const changes = chunk.map((s) => ({ session: s.record, next: keys.seal({ ip: s.ip, ...(s.mac ? { mac: s.mac } : {}) }) }));
    const done = await store.replaceSealedAddresses(changes);
    let n = 0;
    for (let i = 0; i < chunk.length; i++) {
      const s = chunk[i]!;
      const { next } = changes[i]!;
      if (done[i]) {
        n++;
        s.record = { ...s.record, sealedAddress: next };
        continue;
      }
      const stored = await store.getSession(s.record.id);
      if (!stored || stored.endsAt <= now) continue;
      const storedEpoch = keys.epochOf(stored.day, stored.sealedAddress);
      if (storedEpoch === current) {
        s.record = { ...s.record, sealedAddress: stored.sealedAddress };
      } else if (await store.replaceSealedAddress(stored, next)) {
        n++;
        s.record = { ...s.record, sealedAddress: next };
      } else {
        // Still changing: both values keep their keys until the next run.
        inUse.add(keys.epochOf(s.record.day, s.record.sealedAddress)).add(storedEpoch);
      }
    }
    return n;
  }
}
