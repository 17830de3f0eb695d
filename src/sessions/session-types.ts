// The session service's types, shared by its parts (sync, sweep, reseal, changes) and by
// callers, so none of them imports the service to name them.
import type { Config, Policy, Zone } from '../config/schema';
import type { Clock } from '../domain/clock';
import type { OpenStatus } from '../domain/opening-hours';
import type { Refusal } from '../domain/quota';
import type { Firewall } from '../firewall/types';
import type { Logger } from '../logger';
import type { DayKeyring } from '../privacy/day-keys';
import type { RandomSource } from '../privacy/random';
import type { Store } from '../store/types';
import type { LiveSession } from './live-view';
import type { StoreBreaker } from './store-breaker';

export interface ClientAddress {
  ip: string;
  mac?: string;
}

export type EndReason = 'logout' | 'expired' | 'staff' | 'idle' | 'data';

export type GrantResult =
  /** `joined`: the session was live already, or being started by another request; this grant started nothing. */
  | { ok: true; session: LiveSession; joined?: true }
  | { ok: false; reason: Refusal | 'no-zone' | 'pass-required'; zone?: Zone; open?: OpenStatus; policy?: Policy };

export type ExtendResult =
  | { ok: true; session: LiveSession; addedSeconds: number }
  | { ok: false; reason: Refusal | 'not-allowed' | 'already-full' | 'no-session' };

export interface SessionServiceDeps {
  config: Config;
  store: Store;
  firewall: Firewall;
  keys: DayKeyring;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  /** The outage breaker of patron-path store calls (default: storeTimeoutMs, STORE_RETRY_MS). */
  breaker?: StoreBreaker;
}

/** How a grant is planned. */
export interface GrantOptions {
  /** Time staff gave at the desk: today's allowance already used does not count against it. */
  outsideAllowance?: boolean;
}
