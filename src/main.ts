// main: load config, build deps, create the apps, listen; periodic jobs; graceful shutdown.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { Config } from './config/schema';
import { createApp, probesOf, type Surface } from './app';
import { buildDeps } from './build-deps';
import { periodicJobs, scheduleJobs } from './jobs/periodic-jobs';
import { createLogger, type Logger } from './logger';
import type { Deps } from './deps';
import { applyIdleTimeout, serverOptions, type ServerTimeouts } from './http/server-timeouts';

export interface Running {
  deps: Deps;
  servers: (http.Server | https.Server)[];
  stop(): Promise<void>;
}

/** Starts Threshold with a validated configuration. Resolves once every listener is up. */
export async function serve(config: Config, logger: Logger = createLogger(config.logLevel, undefined, config.logFormat), overrides: Partial<Deps> = {}): Promise<Running> {
  const deps = await buildDeps(config, logger, overrides);
  await deps.sessions.policies.refresh();
  await deps.sessions.start();
  await deps.sessions.reseal();
  await deps.sessions.pruneKeys();
  await deps.store.sweep(deps.clock.now());

  // Public workstations: the agent API rides on the portal's HTTPS listener, which the
  // kiosks reach directly (their session is matched by source address). Plain HTTP would expose
  // the bearer tokens on the LAN, so it is there only when AGENT_OVER_HTTP=true (development, tests).
  const agentOnHttp: Surface[] = config.agentOverHttp ? ['agent'] : [];
  const portal = createApp(deps, { surfaces: ['portal', ...agentOnHttp] });
  // Captive probes are the hot path: answered by the portal's own handler before Express.
  const probes = probesOf(portal);
  const servers: (http.Server | https.Server)[] = [];
  const timeouts = { requestSeconds: config.requestTimeoutSeconds };
  /** Listens; when a later listener cannot (a port in use), the ones already open are closed and the store and firewall let go, so nothing is left half-started. */
  const up = async <S extends http.Server | https.Server>(server: S, port: number, host: string): Promise<void> => {
    try {
      servers.push(await listen(server, port, host, timeouts));
    } catch (err) {
      await closeServers(servers);
      await deps.firewall.close().catch(() => undefined);
      await deps.store.close().catch(() => undefined);
      throw err;
    }
  };
  const httpServer = http.createServer(serverOptions(timeouts), (req, res) => {
    if (!probes(req, res)) portal(req, res);
  });
  await up(httpServer, config.port, config.host);
  logger.info({ port: config.port }, `portal listening on http://${displayHost(config.host)}:${config.port}`);
  if (config.agentOverHttp) logger.warn('agent API served over plain HTTP (AGENT_OVER_HTTP=true): for development only, tokens cross the network in clear');

  if (config.httpsPort && config.tlsCert && config.tlsKey) {
    const secureApp = createApp(deps, { surfaces: ['portal', 'agent'], secure: true });
    const tls = { cert: fs.readFileSync(config.tlsCert), key: fs.readFileSync(config.tlsKey) };
    const secureProbes = probesOf(secureApp);
    const httpsServer = https.createServer({ ...serverOptions(timeouts), ...tls }, (req, res) => {
      if (!secureProbes(req, res)) secureApp(req, res);
    });
    await up(httpsServer, config.httpsPort, config.host);
    logger.info({ port: config.httpsPort }, `portal (HTTPS, RFC 8908 API, agent API) listening on port ${config.httpsPort}`);
  }

  // Staff console: its own listener, loopback by default (STAFF_HOST, STAFF_PORT).
  const staffTls = config.tlsCert && config.tlsKey ? { cert: fs.readFileSync(config.tlsCert), key: fs.readFileSync(config.tlsKey) } : undefined;
  // Built at the console's first request: a gateway whose staff never open it does not hold
  // the console's routes, views and their libraries.
  let staffAppBuilt: ReturnType<typeof createApp> | undefined;
  const staffApp = (req: http.IncomingMessage, res: http.ServerResponse) => (staffAppBuilt ??= createApp(deps, { surfaces: ['staff'], secure: Boolean(staffTls) }))(req, res);
  const staffServer = staffTls ? https.createServer({ ...serverOptions(timeouts), ...staffTls }, staffApp) : http.createServer(serverOptions(timeouts), staffApp);
  await up(staffServer, config.staffPort, config.staffHost);
  const staffUrl = `${staffTls ? 'https' : 'http'}://${displayHost(config.staffHost)}:${config.staffPort}`;
  // The log's redaction would blank an address, so a loopback console is logged as localhost.
  const loggedUrl = isLoopback(config.staffHost) ? `${staffTls ? 'https' : 'http'}://localhost:${config.staffPort}` : staffUrl;
  logger.info({ port: config.staffPort }, `staff console listening on ${loggedUrl}/staff`);
  if (!staffTls && !isLoopback(config.staffHost)) {
    logger.warn('the staff console is served over plain HTTP beyond this machine: set TLS_CERT and TLS_KEY, or put it behind an HTTPS proxy');
  }
  const setupToken = await deps.staff.setup.issueIfNeeded();
  if (setupToken) {
    // A staff secret, not patron data: printed as it is (the log's redaction would mangle the URL).
    console.log(`\nNo staff admin account exists yet. To create the first one, open (once):\n  ${staffUrl}/staff/setup?token=${setupToken}\nor run: threshold staff add <name> --role admin\n`);
  }

  const stopJobs = scheduleJobs(periodicJobs(deps), logger);

  let stopped = false;
  return {
    deps,
    servers,
    async stop() {
      if (stopped) return;
      stopped = true;
      stopJobs();
      await closeServers(servers);
      // The firewall keeps its timeouts: the kernel goes on enforcing them while we are down.
      await deps.firewall.close();
      await deps.store.close();
      logger.info('stopped');
    },
  };
}

function closeServers(servers: (http.Server | https.Server)[]): Promise<void> {
  return Promise.all(servers.map((s) => new Promise<void>((r) => { s.close(() => r()); s.closeAllConnections?.(); }))).then(() => undefined);
}

function listen<S extends http.Server | https.Server>(server: S, port: number, host: string, timeouts: ServerTimeouts): Promise<S> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') reject(new Error(`port ${port} is already in use: stop the other program or set PORT to a free port`));
      else if (err.code === 'EACCES') reject(new Error(`not allowed to listen on port ${port}: use a port above 1023 or give the service CAP_NET_BIND_SERVICE`));
      else reject(err);
    });
    applyIdleTimeout(server, timeouts);
    server.listen(port, host, () => resolve(server));
  });
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host;
}
