// Zone policies: what staff set (in the store), falling back to the configuration file.
import type { Config, Policy, Zone } from '../config/schema';
import type { Store } from '../store/types';

export class PolicyBook {
  /** The last policy read per zone, for hot paths that must not wait on the store. */
  private readonly cache = new Map<string, { policy: Policy; readAt: number }>();

  /**
   * @param now the clock, so a burst of grants reads the store once per `maxAgeMs`
   * @param maxAgeMs how old a policy read may be before `get` asks the store again; a change
   *   made through `set` on this gateway applies at once, one made elsewhere within this time
   * @param guard runs the store read of `get` (the outage breaker): while the store is away, `get`
   *   answers the policy last read, however old
   */
  constructor(
    private readonly config: Config,
    private readonly store: Store,
    private readonly now: () => number = Date.now,
    private readonly maxAgeMs = 2000,
    private readonly guard: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
  ) {}

  zone(zoneId: string): Zone | undefined {
    return this.config.zones.find((z) => z.id === zoneId);
  }

  /** The policy in force for a zone. */
  async get(zoneId: string): Promise<Policy> {
    const hit = this.cache.get(zoneId);
    if (hit && this.now() - hit.readAt < this.maxAgeMs && this.now() >= hit.readAt) return hit.policy;
    try {
      return await this.read(zoneId, this.guard);
    } catch (err) {
      // Branch autonomy: the policy last read stays in force while the store is away.
      if (hit) return hit.policy;
      throw err;
    }
  }

  private async read(zoneId: string, guard: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn()): Promise<Policy> {
    const stored = await guard(() => this.store.getPolicy(zoneId));
    const zone = this.zone(zoneId);
    if (!zone) throw new Error(`unknown zone "${zoneId}"`);
    const policy = stored ?? zone.policy;
    this.cache.set(zoneId, { policy, readAt: this.now() });
    return policy;
  }

  /** The policy last read for a zone, without waiting (the configured one before any read). */
  peek(zoneId: string): Policy | undefined {
    return this.cache.get(zoneId)?.policy ?? this.zone(zoneId)?.policy;
  }

  /** Re-reads every zone's policy, so changes made by another process are seen. */
  async refresh(): Promise<void> {
    for (const z of this.config.zones) await this.read(z.id);
  }

  async set(zoneId: string, policy: Policy): Promise<void> {
    if (!this.zone(zoneId)) throw new Error(`unknown zone "${zoneId}"`);
    await this.store.setPolicy(zoneId, policy);
    this.cache.set(zoneId, { policy, readAt: this.now() });
  }
}
