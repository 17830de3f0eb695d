// Builds a fresh app with test dependencies: a temp DATA_DIR, a manual clock, clients chosen
// by the X-Test-Client header, and logs captured in memory for the privacy audit.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import type { Express } from 'express';
import { configSchema, type Config } from '../../src/config/schema';
import { buildDeps } from '../../src/build-deps';
import { createApp } from '../../src/app';
import { ManualClock } from '../../src/domain/clock';
import { headerClientResolver } from '../../src/http/client';
import { createLogger, type Logger } from '../../src/logger';
import type { Firewall } from '../../src/firewall/types';
import type { Deps } from '../../src/deps';
import type { RandomSource } from '../../src/privacy/random';
import { createStore } from '../../src/store/registry';
import { deleteKeysWithPrefix } from './redis';

export interface TestContext {
  app: Express;
  deps: Deps;
  clock: ManualClock;
  dataDir: string;
  logs: string[];
  /** The key prefix this test's store uses (on Redis, every key starts with it). */
  prefix: string;
  close(): Promise<void>;
}

export interface TestOptions {
  config?: Record<string, unknown>;
  /** Use the test Redis instead of SQLite. */
  redis?: boolean;
  /** With `redis`: this Redis instead of the harness's (a test's own, with persistence on). */
  redisUrl?: string;
  /** Start time; default a Wednesday 10:00 UTC. */
  now?: string;
  /** The Redis key prefix, to share one Redis between two gateways; default a unique one. */
  prefix?: string;
  /** The random source (session ids and codes, keys) instead of the crypto one. */
  random?: RandomSource;
  /** A firewall built from the test's logger and clock instead of the configured one. */
  firewall?: (logger: Logger, clock: ManualClock) => Firewall;
}

export const WEDNESDAY_10AM = '2026-11-18T10:00:00Z';

export async function makeTestApp(opts: TestOptions = {}): Promise<TestContext> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'threshold-test-'));
  const raw: Record<string, unknown> = { dataDir, timezone: 'UTC', logLevel: 'debug', ...opts.config };
  if (opts.redis) raw.redisUrl = opts.redisUrl ?? process.env.TEST_REDIS_URL;
  const config: Config = configSchema.parse(raw);
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const logger = createLogger('debug', sink);
  const clock = new ManualClock(Date.parse(opts.now ?? WEDNESDAY_10AM));
  const prefix = opts.prefix ?? `t:${Math.random().toString(36).slice(2)}:`;
  const store = createStore(config, { prefix, clock, logger });
  const firewall = opts.firewall?.(logger, clock);
  const deps = await buildDeps(config, logger, { clock, store, resolveClient: headerClientResolver(), ...(firewall ? { firewall } : {}), ...(opts.random ? { random: opts.random } : {}) });
  await deps.sessions.start();
  const app = createApp(deps);
  return {
    app,
    deps,
    clock,
    dataDir,
    logs,
    prefix,
    async close() {
      await deps.store.close();
      if (opts.redis) await deleteKeysWithPrefix(prefix, opts.redisUrl);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A patron's browser: keeps the CSRF cookie and reads the token from the last page. */
export class Patron {
  private cookie = '';
  constructor(
    private readonly app: Express,
    readonly ip: string,
    readonly mac?: string,
  ) {}

  private get header(): string {
    return this.mac ? `${this.ip},${this.mac}` : this.ip;
  }

  get(url: string) {
    return request(this.app).get(url).set('X-Test-Client', this.header).set('Accept', 'text/html').set('Cookie', this.cookie);
  }

  async page(url: string) {
    const res = await this.get(url);
    const set = res.headers['set-cookie'] as unknown as string[] | undefined;
    if (set) this.cookie = set.map((c) => c.split(';')[0]).join('; ');
    return res;
  }

  /** Loads `from`, takes its CSRF token and posts the form to `action`. */
  async submit(from: string, action: string, fields: Record<string, string> = {}) {
    const page = await this.page(from);
    return this.send(/name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '', action, fields);
  }

  /** Posts a form with a CSRF token read earlier (a page loaded, then the button pressed later). */
  send(token: string, action: string, fields: Record<string, string> = {}) {
    return request(this.app)
      .post(action)
      .set('X-Test-Client', this.header)
      .set('Accept', 'text/html')
      .set('Cookie', this.cookie)
      .type('form')
      .send({ _csrf: token, ...fields });
  }

  accept() {
    return this.submit('/', '/accept', { accept: 'yes' });
  }
}
