// The agent's reports waiting for the server: a bounded queue, so an agent cut off for days
// keeps its newest reports and a count of those it had to drop, and never grows without limit.
import type { HealthReport } from '../workstations/protocol';

export class ReportQueue {
  private readonly items: HealthReport[] = [];
  private droppedTotal = 0;

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`queue limit must be a whole number of at least 1, got ${limit}`);
  }

  /** Adds a report; when full, the oldest is dropped and counted. */
  push(report: HealthReport): void {
    this.items.push(report);
    while (this.items.length > this.limit) {
      this.items.shift();
      this.droppedTotal++;
    }
  }

  /** The oldest `n` reports, still queued. */
  peek(n: number): HealthReport[] {
    return this.items.slice(0, n);
  }

  /** Removes the oldest `n` (they were delivered, or refused for good). */
  drop(n: number): void {
    this.items.splice(0, n);
  }

  get size(): number {
    return this.items.length;
  }

  /** How many reports were dropped since the agent started. */
  get dropped(): number {
    return this.droppedTotal;
  }
}
