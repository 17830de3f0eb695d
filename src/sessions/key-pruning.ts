// No link across days: the pseudonym keys of past days are destroyed, then each such day's usage
// records and sessions are purged once no live session of this gateway began that day.
import { forEachPage } from '../jobs/chunks';
import type { LiveSession } from './live-view';
import type { SessionServiceDeps } from './session-types';
import type { UsageView } from './write-through';

/** Where a running session of this gateway is already known (the live view): its day, without reading its record again. */
export type KnownSession = (id: string) => Pick<LiveSession, 'record'> | undefined;

export class KeyPruning {
  constructor(
    private readonly d: Pick<SessionServiceDeps, 'keys' | 'store' | 'config' | 'clock'>,
    private readonly usage: UsageView,
    private readonly known: KnownSession = () => undefined,
  ) {}

  /** Returns the days purged, once the key file no longer holds their keys (written off the loop). */
  async run(): Promise<string[]> {
    const purged = await this.purge();
    await this.d.keys.saved();
    return purged;
  }

  private async purge(): Promise<string[]> {
    this.d.keys.prune();
    const waiting = this.d.keys.toPurge();
    if (!waiting.length) return [];
    const busy = await this.daysOfRunningSessions(waiting);
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

  /**
   * Which of the `waiting` days this gateway's running sessions began on, from the store a page
   * at a time (never one read of all). After the day's turn every session may still be of the
   * day before: the walk stops once each waiting day is found running; a record the live view
   * holds is not read again (its day is in memory); pages are sized to about SLICE_MS each.
   */
  private async daysOfRunningSessions(waiting: readonly string[]): Promise<Set<string>> {
    const days = new Set<string>();
    const wanted = new Set(waiting);
    const found = (day: string): void => {
      if (wanted.has(day)) days.add(day);
    };
    const read = (id: string): boolean => {
      const held = this.known(id);
      if (!held) return true;
      found(held.record.day);
      return false;
    };
    const { gatewayId } = this.d.config;
    await forEachPage(
      (cursor, size) => this.d.store.scanSessions(gatewayId, cursor, size, { endingAfter: this.d.clock.now(), read }),
      (page) => {
        for (const s of page.sessions) found(s.day);
        return days.size < wanted.size;
      },
    );
    return days;
  }
}
