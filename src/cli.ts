#!/usr/bin/env node
// The `threshold` command: serve, check a configuration file, manage staff accounts.
import { Command } from 'commander';
import { ConfigError, loadConfig } from './config/load';
import { createLogger } from './logger';
import { nftStartScript } from './firewall/nft-script-preview';
import { registerStaffCommands } from './staff/staff-cli';
import { registerAgentCommands } from './agent/agent-cli';
import { registerWorkstationCommands } from './workstations/workstation-cli';
import { registerBackupCommand } from './store/backup-cli';

const program = new Command();
program.name('threshold').description('Captive portal and public-workstation manager for libraries').version(require('../package.json').version);

program
  .command('serve')
  .description('run the portal (config from THRESHOLD_CONFIG and environment variables)')
  .action(async () => {
    const config = loadOrExit();
    const logger = createLogger(config.logLevel, undefined, config.logFormat);
    try {
      // Loaded here, not at the top: `threshold agent run` on a public PC never needs the server.
      const { serve } = require('./main') as typeof import('./main');
      const running = await serve(config, logger);
      const shutdown = (signal: string) => {
        logger.info({ signal }, 'shutting down');
        running.stop().then(() => process.exit(0), () => process.exit(1));
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    } catch (err) {
      logger.fatal({ err }, `cannot start: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
      process.exit(1);
    }
  });

const configCmd = program.command('config').description('configuration tools');
configCmd
  .command('check')
  .argument('<file>', 'a JSON configuration file')
  .description('validate a configuration file (environment variables apply on top), list every problem')
  .action((file: string) => {
    const config = loadOrExit(file);
    console.log(`Configuration OK: ${config.zones.length} zone(s) [${config.zones.map((z) => z.id).join(', ')}], store ${config.redisUrl ? 'redis' : 'sqlite in ' + config.dataDir}, firewall ${config.firewall}, time zone ${config.timezone}.`);
  });

// Staff console: `threshold staff add|reset-password|list`.
registerStaffCommands(program, () => loadStoreOrExit());

function loadOrExit(file?: string) {
  try {
    return loadConfig(process.env, file ?? process.env.THRESHOLD_CONFIG);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * The configuration for a command that reads the store: says which store it uses (on stderr,
 * so output stays scriptable) and stops with the fix when there is no store there.
 */
function loadStoreOrExit() {
  const config = loadOrExit();
  // Loaded here: the store modules are not needed by `threshold agent` on a public PC.
  const { describeStore, missingStoreProblem } = require('./store/store-location') as typeof import('./store/store-location');
  const problem = missingStoreProblem(config, process.env.THRESHOLD_CONFIG);
  if (problem) {
    console.error(problem);
    process.exit(1);
  }
  console.error(`Using ${describeStore(config)}.`);
  return config;
}

program
  .command('firewall')
  .description('the gateway firewall')
  .command('script')
  .argument('[file]', 'a JSON configuration file (default: THRESHOLD_CONFIG)')
  .description('print the nftables script Threshold applies at start, for review (changes nothing)')
  .action(async (file?: string) => {
    const config = loadOrExit(file);
    process.stdout.write(await nftStartScript(config));
  });

// Public workstations: codes and retiring on the gateway, the agent on the PCs.
registerWorkstationCommands(program, () => loadStoreOrExit());
registerAgentCommands(program);
// Issue 9: a backup of the store, never of the keys.
registerBackupCommand(program, () => loadOrExit());

program.parseAsync(process.argv).catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
