// The staff console's services, built once per process from the shared dependencies.
import type { Config } from '../config/schema';
import type { Clock } from '../domain/clock';
import type { Logger } from '../logger';
import type { RandomSource } from '../privacy/random';
import type { SessionService } from '../sessions/session-service';
import type { Store } from '../store/types';
import { AccountService } from './account-service';
import { AuditLog } from './audit-log';
import { StaffSignIns } from './staff-sign-ins';
import { SessionList } from './session-list';
import { PassService } from './pass-service';
import { OtherGatewaySessions } from './other-gateway-sessions';
import { SetupToken } from './setup-token';
import { StatsService } from './stats-service';

/** Everything the staff console (and the pass redemption on the splash page) uses. */
export interface StaffServices {
  audit: AuditLog;
  accounts: AccountService;
  consoleSessions: StaffSignIns;
  setup: SetupToken;
  passes: PassService;
  live: SessionList;
  /** Sessions other gateways own (several gateways sharing one Redis). */
  remote: OtherGatewaySessions;
  stats: StatsService;
}

export interface StaffServicesDeps {
  config: Config;
  store: Store;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  sessions: SessionService;
}

export function createStaffServices(d: StaffServicesDeps): StaffServices {
  const { config, store, clock, random, sessions, logger } = d;
  // An action's entry whose write fails with the store away waits, and is written when it is back.
  const audit = new AuditLog({ store, clock, random, retentionDays: config.auditRetentionDays, guard: (fn) => sessions.breaker.run(fn) });
  sessions.breaker.onBack(() => void audit.flush().catch(() => undefined));
  const accounts = new AccountService({ store, clock, audit });
  const remote = new OtherGatewaySessions({ config, store, clock, sessions, logger });
  return {
    audit,
    accounts,
    consoleSessions: new StaffSignIns({ store, clock, random, idleMinutes: config.staffSessionIdleMinutes }),
    setup: new SetupToken(random, accounts),
    passes: new PassService({ store, clock, random, sessions, audit }),
    live: new SessionList({ config, store, clock, sessions, remote, audit }),
    remote,
    stats: new StatsService({ config, store, clock }),
  };
}
