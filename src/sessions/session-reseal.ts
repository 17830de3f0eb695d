// The re-seal job (forward secrecy): moves this gateway's live sessions to the current address
// epoch, then destroys every address key no live record uses. Once a session has ended, the key
// that sealed its last record is gone within one epoch and one run (ADDRESS_FORGOTTEN_WITHIN_MS).
import { SLICE_MS, forEachChunk } from '../jobs/chunks';
import type { LiveSession, LiveView } from './live-view';
import type { SessionServiceDeps } from './session-types';

/** At most this many records per compare-and-set batch (one transaction or one pipeline). */
export const RESEAL_CHUNK = 200;

export interface ResealResult {
  /** Records moved to the current epoch. */
  resealed: number;
  /** Address epochs whose keys were destroyed. */
  destroyed: string[];
}

export class SessionReseal {
  constructor(
    private readonly d: Pick<SessionServiceDeps, 'store' | 'keys' | 'clock'>,
    private readonly live: LiveView,
    private readonly sliceMs = SLICE_MS,
  ) {}

  /**
   * Walks this gateway's live sessions in memory (never one large read of the store), re-sealing
   * them from the addresses held in memory, a chunk at a time: one compare-and-set per record,
   * sent as one transaction (SQLite) or one pipeline (Redis) per chunk.
   */
  async run(): Promise<ResealResult> {
    const current = this.d.keys.epoch();
    const now = this.d.clock.now();
    const inUse = new Set<string>();
    let resealed = 0;
    await forEachChunk(this.due(current, now), async (chunk) => {
      resealed += await this.resealChunk(chunk, current, now, inUse);
    }, { sliceMs: this.sliceMs, max: RESEAL_CHUNK });
    return { resealed, destroyed: this.d.keys.destroyEpochs(inUse) };
  }

  /** The live sessions still sealed under an older epoch (an ended one's key may go: a restart revokes it without its address). */
  private *due(current: string, now: number): Generator<LiveSession> {
    for (const s of this.live.values()) {
      const r = s.record;
      if (r.endsAt > now && this.d.keys.epochOf(r.day, r.sealedAddress) !== current) yield s;
    }
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
