// The dependencies every part of the app is handed. Nothing is a module-level singleton.
import type { Config } from './config/schema';
import type { Clock } from './domain/clock';
import type { Firewall } from './firewall/types';
import type { ClientResolver } from './http/client';
import type { Logger } from './logger';
import type { DayKeyring } from './privacy/day-keys';
import type { RandomSource } from './privacy/random';
import type { SessionService } from './sessions/session-service';
import type { Store } from './store/types';
import type { LibrarySettingsBook } from './branding/settings-book';
import type { StaffServices } from './staff/services';
import type { LessonLibrary } from './onboarding/lesson-library';
import type { KioskState } from './workstations/kiosk-state';
import type { PcAddresses } from './queue/pc-addresses';
import type { QueueService } from './queue/queue-service';
import type { WorkstationService } from './workstations/workstation-service';

export interface Deps {
  config: Config;
  store: Store;
  firewall: Firewall;
  clock: Clock;
  random: RandomSource;
  logger: Logger;
  keys: DayKeyring;
  sessions: SessionService;
  resolveClient: ClientResolver;
  /** Signs CSRF tokens; random per start unless given. */
  csrfSecret: string;
  /** Staff accounts, console sessions, audit log, passes, live sessions and statistics. */
  staff: StaffServices;
  /** The digital-skills lessons, read once at start. */
  learn: LessonLibrary;
  workstations: WorkstationService;
  /** The library's name, logo, terms, banner and walled garden from the console, else the config file's. */
  library: LibrarySettingsBook;
  /** Kiosk session state for agents, by the request's source address. */
  kiosks: KioskState;
  /** Kiosk zones' waiting lists: tickets, holds, claims, bookings. */
  queue: QueueService;
  /** Which kiosk PC asks from which address (memory only). */
  pcs: PcAddresses;
}
