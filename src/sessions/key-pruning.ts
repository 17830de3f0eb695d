// No link across days: the pseudonym keys of past days are destroyed, then each such day's usage
// records and sessions are purged once no live session of this gateway began that day.
import { CHUNK, yieldToLoop } from '../jobs/chunks';
import type { SessionServiceDeps } from './session-types';
import type { UsageView } from './write-through';

export class KeyPruning {
  constructor(
    private readonly d: Pick<SessionServiceDeps, 'keys' | 'store' | 'config' | 'clock'>,
    private readonly usage: UsageView,
  ) {}

  /** Returns the days purged. */
  async run(): Promise<string[]> {
    this.d.keys.prune();
    const waiting = this.d.keys.toPurge();
    if (!waiting.length) return [];
    const busy = await this.daysOfRunningSessions();
    const purged: string[] = [];
    for (const day of waiting) {
      if (busy.has(day)) continue;
      await this.d.store.purgeDay(day, this.d.config.gatewayId);
      this.usage.forgetDay(day);
      this.d.keys.purged(day);
      purged.push(day);
    }
    return purged;
  }

  /** The days this gateway's running sessions began on, from the store a page at a time (never one read of all). */
  private async daysOfRunningSessions(): Promise<Set<string>> {
    const days = new Set<string>();
    let cursor: string | undefined;
    do {
      const page = await this.d.store.scanSessions(this.d.config.gatewayId, cursor, CHUNK, { endingAfter: this.d.clock.now() });
      for (const s of page.sessions) days.add(s.day);
      cursor = page.next;
      await yieldToLoop();
    } while (cursor);
    return days;
  }
}
