// `threshold workstation …`: enrolment codes, the fleet at a glance and retiring, straight
// against the store (the SQLite file is safe to share with a running server).
import type { Command } from 'commander';
import type { Config } from '../config/schema';
import { formatHhmm, localTime } from '../domain/local-time';
import type { WorkstationService } from './workstation-service';

const VERSION = (require('../../package.json') as { version: string }).version;

export function registerWorkstationCommands(program: Command, loadConfig: () => Config): void {
  const ws = program.command('workstation').description('public workstations: enrolment codes, the fleet, retiring');

  ws.command('code')
    .description('create a one-time enrolment code for a workstation')
    .option('--zone <id>', 'the zone the workstation joins (default: the first zone)')
    .option('--ttl <minutes>', 'how long the code stays valid, in minutes', Number, 60)
    .action((o: { zone?: string; ttl: number }) =>
      withService(loadConfig(), async (service, config) => {
        const c = await service.createCode({ zoneId: o.zone, ttlMinutes: o.ttl });
        const until = localTime(c.expiresAt, config.timezone);
        console.log(`Enrolment code: ${c.code}`);
        console.log(`Zone ${c.zoneId}; works once, until ${until.date} ${formatHhmm(until.minutes)} (${config.timezone}).`);
        console.log('On the workstation: threshold agent enroll --server <portal URL> --code <code> --name <name>');
      }),
    );

  ws.command('list')
    .description('list enrolled workstations with their state and health flags')
    .option('--zone <id>', 'only this zone')
    .action((o: { zone?: string }) =>
      withService(loadConfig(), async (service) => {
        const entries = await service.overview(o.zone);
        if (entries.length === 0) console.log('No workstations enrolled.');
        for (const e of entries) {
          const seen = e.workstation.lastSeenAt ? new Date(e.workstation.lastSeenAt).toISOString() : 'never';
          console.log([e.workstation.name, e.workstation.zoneId, e.state, e.flags.join(',') || '-', `last seen ${seen}`].join('\t'));
        }
      }),
    );

  ws.command('retire')
    .argument('<name>', 'the workstation\'s name')
    .description('retire a workstation: its token stops working at once')
    .action((name: string) =>
      withService(loadConfig(), async (service) => {
        await service.retire(name);
        console.log(`Workstation "${name}" retired: its token no longer works. To bring it back, enrol it again with a new code.`);
      }),
    );
}

/** Opens the store, runs `fn`, closes the store; a problem is printed, with exit code 1. */
async function withService(config: Config, fn: (service: WorkstationService, config: Config) => Promise<void>): Promise<void> {
  // Loaded only when a workstation command runs (the agent on a PC shares this CLI).
  const { createStore } = require('../store/registry') as typeof import('../store/registry');
  const { WorkstationService } = require('./workstation-service') as typeof import('./workstation-service');
  const { systemClock } = require('../domain/clock') as typeof import('../domain/clock');
  const { createLogger } = require('../logger') as typeof import('../logger');
  const { cryptoRandom } = require('../privacy/random') as typeof import('../privacy/random');
  const store = createStore(config);
  try {
    await store.init();
    const service = new WorkstationService({ store, clock: systemClock, random: cryptoRandom, logger: createLogger('silent'), zones: config.zones, version: VERSION });
    await fn(service, config);
  } catch (err) {
    console.error((err as Error).message);
    process.exitCode = 1;
  } finally {
    await store.close();
  }
}
