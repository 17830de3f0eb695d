// Builds the dependencies from a configuration: the one place where real parts are chosen.
import type { Config } from './config/schema';
import type { Deps } from './deps';
import { systemClock, type Clock } from './domain/clock';
import { createFirewall } from './firewall/registry';
import { firewallOptions } from './firewall/firewall-options';
import { ProcNeighbourTable } from './firewall/neighbours';
import { socketClientResolver } from './http/client';
import type { Logger } from './logger';
import { DayKeyring } from './privacy/day-keys';
import { keysDirOf } from './privacy/key-file';
import { cryptoRandom } from './privacy/random';
import { SessionService } from './sessions/session-service';
import { createStore } from './store/registry';
import { createStaffServices } from './staff/services';
import { BUILTIN_CONTENT_DIR, loadLessonLibrary } from './onboarding/lesson-library';
import { LibrarySettingsBook } from './branding/settings-book';
import { KioskState } from './workstations/kiosk-state';
import { WorkstationService } from './workstations/workstation-service';
import { PcAddresses } from './queue/pc-addresses';
import { QueueService } from './queue/queue-service';

export async function buildDeps(config: Config, logger: Logger, overrides: Partial<Deps> & { clock?: Clock } = {}): Promise<Deps> {
  const clock = overrides.clock ?? systemClock;
  const random = overrides.random ?? cryptoRandom;
  const store = overrides.store ?? createStore(config, { clock, logger });
  await store.init();
  const firewall = overrides.firewall ?? createFirewall(config.firewall, firewallOptions(config, logger, clock));
  await firewall.init();
  const keys = overrides.keys ?? new DayKeyring(keysDirOf(config), clock, config.timezone, random, config.dataDir);
  const sessions = overrides.sessions ?? new SessionService({ config, store, firewall, keys, clock, random, logger });
  // Public workstations.
  const version = (require('../package.json') as { version: string }).version;
  const workstations = overrides.workstations ?? new WorkstationService({ store, clock, random, logger, zones: config.zones, version });
  const kiosks = overrides.kiosks ?? new KioskState({ sessions, store, clock, statsRetentionDays: config.statsRetentionDays });
  const library =
    overrides.library ?? new LibrarySettingsBook({ config, store, firewall, logger, now: () => clock.now(), guard: (fn) => sessions.breaker.run(fn) });
  // The settings staff saved (the walled garden among them) apply from the start; a store away now is read later.
  await library.refresh().catch((err: unknown) => logger.warn({ err }, 'library settings could not be read at start; the configuration file\'s apply until they can'));
  const pcs = overrides.pcs ?? new PcAddresses();
  const queue =
    overrides.queue ??
    new QueueService({
      config,
      store,
      clock,
      random,
      policies: sessions.policies,
      running: () => sessions.live.all().map((s) => ({ zoneId: s.record.zoneId, endsAt: s.record.endsAt })),
      busyHere: (pc) => {
        const ip = pcs.addressOf(pc);
        return ip !== undefined && sessions.lookup(ip) !== undefined;
      },
    });
  return {
    config,
    library,
    store,
    firewall,
    clock,
    random,
    logger,
    keys,
    sessions,
    resolveClient: overrides.resolveClient ?? socketClientResolver(new ProcNeighbourTable()),
    csrfSecret: overrides.csrfSecret ?? random.bytes(32).toString('base64url'),
    staff: overrides.staff ?? createStaffServices({ config, store, clock, random, logger, sessions }),
    // Built-in lessons first; the library's own directory adds lessons or replaces them.
    learn: overrides.learn ?? loadLessonLibrary([BUILTIN_CONTENT_DIR, ...(config.contentDir ? [config.contentDir] : [])], logger),
    workstations,
    kiosks,
    queue,
    pcs,
  };
}
