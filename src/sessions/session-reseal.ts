// The re-seal job (forward secrecy): moves this gateway's live sessions to the current address
// epoch, then destroys every address key no live record uses. Once a session has ended, the key
// that sealed its last record is gone within one epoch and one run (ADDRESS_FORGOTTEN_WITHIN_MS).
import { performance } from 'node:perf_hooks';
import type { LiveView } from './live-view';
import type { ClientAddress, SessionServiceDeps } from './session-service';

/** Work runs in slices this long (ms) with a turn of the event loop between them. */
export const RESEAL_SLICE_MS = 5;

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

  async maybeYield(): Promise<void> {
    if (performance.now() - this.started < this.sliceMs) return;
    this.yields++;
    await this.pause();
    this.started = performance.now();
  }
}

export class SessionReseal {
  constructor(
    private readonly d: Pick<SessionServiceDeps, 'config' | 'store' | 'keys' | 'clock'>,
    private readonly live: LiveView,
    private readonly sliceMs = RESEAL_SLICE_MS,
  ) {}

  async run(): Promise<ResealResult> {
    const { store, keys, config } = this.d;
    const slicer = new Slicer(this.sliceMs);
    const current = keys.epoch();
    const now = this.d.clock.now();
    let resealed = 0;
    for (const r of await store.listSessions(config.gatewayId)) {
      await slicer.maybeYield();
      // An ended record is kept only so a restart can revoke it, which needs no address.
      if (r.endsAt <= now || keys.epochOf(r.day, r.sealedAddress) === current) continue;
      const mine = this.live.byIdOf(r.id);
      // The live view holds the address in memory: that also repairs a record whose key is gone.
      const addr: ClientAddress | undefined = mine ? { ip: mine.ip, ...(mine.mac ? { mac: mine.mac } : {}) } : keys.open<ClientAddress>(r.day, r.sealedAddress);
      if (!addr) continue;
      const next = keys.seal(addr);
      if (!(await store.replaceSealedAddress(r, next))) continue; // changed meanwhile: the next run sees it
      resealed++;
      if (mine) mine.record = { ...mine.record, sealedAddress: next };
    }
    // Read again: a record written while we worked keeps its epoch's key until the next run.
    const inUse = new Set<string>();
    for (const r of await store.listSessions(config.gatewayId)) {
      await slicer.maybeYield();
      if (r.endsAt > this.d.clock.now()) inUse.add(keys.epochOf(r.day, r.sealedAddress));
    }
    return { resealed, destroyed: keys.destroyEpochs(inUse) };
  }
}
