// `threshold agent …`: enrol this PC, and run the agent (or send one report with --once).
import fs from 'node:fs';
import type { Command } from 'commander';
import { systemClock } from '../domain/clock';
import { createLogger, logFormatFrom } from '../logger';
import { Agent } from './agent';
import { defaultConfigPath, readAgentConfig } from './config';
import { enrolAgent } from './enrol';
import { processHookRunner } from './hooks';
import { systemInformation } from './metrics';
import { nodeHttp } from './transport';

const VERSION = (require('../../package.json') as { version: string }).version;

export function registerAgentCommands(program: Command): void {
  const agent = program.command('agent').description('the workstation agent, for public PCs');

  agent
    .command('enroll')
    .alias('enrol')
    .description('exchange a one-time code from staff for this workstation\'s token, and write the agent configuration')
    .requiredOption('--server <url>', 'the portal, e.g. https://portal.library.example')
    .requiredOption('--code <code>', 'the enrolment code staff created')
    .requiredOption('--name <name>', 'this workstation\'s name, e.g. kiosk-03')
    .option('--config <path>', 'where to write the configuration', defaultConfigPath())
    .option('--ca <file>', 'a PEM file of the CA that signed the portal\'s certificate')
    .option('--allow-http', 'allow a plain http:// server (development only: the token crosses the network in clear)')
    .action(async (o: { server: string; code: string; name: string; config: string; ca?: string; allowHttp?: boolean }) => {
      try {
        const config = await enrolAgent({ server: o.server, code: o.code, name: o.name, configPath: o.config, ca: o.ca, allowHttp: o.allowHttp });
        console.log(`Enrolled as "${config.name}". Configuration written to ${o.config} (readable by its owner only).`);
        console.log('Add the local hooks there (see deploy/agent/), then start it: threshold agent run');
      } catch (err) {
        fail(err);
      }
    });

  agent
    .command('run')
    .description('report this workstation\'s health, follow its kiosk session and carry out staff commands')
    .option('--config <path>', 'the agent configuration', defaultConfigPath())
    .option('--once', 'send one report and exit (0 when it was delivered): for install checks')
    .action(async (o: { config: string; once?: boolean }) => {
      let config;
      let logger;
      try {
        config = readAgentConfig(o.config);
        logger = createLogger(process.env.LOG_LEVEL || 'info', undefined, logFormatFrom(process.env.LOG_FORMAT));
      } catch (err) {
        return fail(err);
      }
      const http = nodeHttp({
        server: config.server,
        ...(config.ca && { ca: fs.readFileSync(config.ca) }),
        allowHttp: config.allowHttp,
        ...(config.localAddress !== undefined && { localAddress: config.localAddress }),
        userAgent: `threshold-agent/${VERSION}`,
      });
      const a = new Agent({ config, http, si: systemInformation(), hooks: processHookRunner, clock: systemClock, logger, version: VERSION });
      if (o.once) {
        const delivered = await a.heartbeat();
        await a.stop();
        console.log(delivered ? 'Report delivered.' : 'The report could not be delivered: see the log above.');
        process.exitCode = delivered ? 0 : 1;
        return;
      }
      a.start();
      logger.info({ workstation: config.name, heartbeat: config.heartbeatCron }, 'agent running');
      const shutdown = (signal: string) => {
        logger.info({ signal }, 'agent stopping');
        a.stop().finally(() => process.exit(0));
      };
      process.once('SIGTERM', () => shutdown('SIGTERM'));
      process.once('SIGINT', () => shutdown('SIGINT'));
    });
}

function fail(err: unknown): void {
  console.error(err instanceof Error ? err.message : String(err));
  process.exitCode = 1;
}
