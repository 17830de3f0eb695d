// Loading the configuration: an optional JSON file (THRESHOLD_CONFIG), then environment
// variables on top; validated once, every error listed, the result frozen.
import fs from 'node:fs';
import { z } from 'zod';
import { configSchema, type Config } from './schema';
import { redactUrlPasswords, shownValue } from './secrets';

/** Environment variables and the config key each one sets. */
export const ENV_KEYS = {
  PORT: { key: 'port', type: 'number' },
  HOST: { key: 'host', type: 'string' },
  HTTPS_PORT: { key: 'httpsPort', type: 'number' },
  TLS_CERT: { key: 'tlsCert', type: 'string' },
  TLS_KEY: { key: 'tlsKey', type: 'string' },
  DATA_DIR: { key: 'dataDir', type: 'string' },
  KEYS_DIR: { key: 'keysDir', type: 'string' },
  REDIS_URL: { key: 'redisUrl', type: 'string' },
  STORE_TIMEOUT_MS: { key: 'storeTimeoutMs', type: 'number' },
  STORE_COMMAND_TIMEOUT_MS: { key: 'storeCommandTimeoutMs', type: 'number' },
  FIREWALL: { key: 'firewall', type: 'string' },
  TZ: { key: 'timezone', type: 'string' },
  LOG_LEVEL: { key: 'logLevel', type: 'string' },
  LOG_FORMAT: { key: 'logFormat', type: 'string' },
  LIBRARY_NAME: { key: 'libraryName', type: 'string' },
  WIFI_NAME: { key: 'wifiName', type: 'string' },
  PORTAL_URL: { key: 'portalUrl', type: 'string' },
  GATEWAY_ID: { key: 'gatewayId', type: 'string' },
  LAN_INTERFACES: { key: 'lanInterfaces', type: 'list' },
  WALLED_GARDEN: { key: 'walledGarden', type: 'list' },
  STAFF_PORT: { key: 'staffPort', type: 'number' },
  STAFF_HOST: { key: 'staffHost', type: 'string' },
  STAFF_SESSION_IDLE_MINUTES: { key: 'staffSessionIdleMinutes', type: 'number' },
  REQUEST_TIMEOUT_SECONDS: { key: 'requestTimeoutSeconds', type: 'number' },
  CONTENT_DIR: { key: 'contentDir', type: 'string' },
  AGENT_OVER_HTTP: { key: 'agentOverHttp', type: 'string' },
  MIN_CELL_SESSIONS: { key: 'minCellSessions', type: 'number' },
  METRICS_TOKEN: { key: 'metricsToken', type: 'string' },
  STAFF_LIMITER_KEY: { key: 'staffLimiterKey', type: 'string' },
} as const;

export class ConfigError extends Error {
  /** Every problem, one line each; URL passwords masked, also those quoted in a JSON parser's message. */
  readonly problems: string[];
  constructor(problems: string[]) {
    const clean = problems.map(redactUrlPasswords);
    super(`Invalid configuration:\n${clean.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = clean;
  }
}

type Env = Record<string, string | undefined>;

/** Reads and validates the configuration. Throws ConfigError listing every problem. */
export function loadConfig(env: Env = process.env, file = env.THRESHOLD_CONFIG): Config {
  const problems: string[] = [];
  let fromFile: Record<string, unknown> = {};
  if (file) {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        problems.push(`${file}: expected a JSON object at the top level`);
      } else fromFile = parsed as Record<string, unknown>;
    } catch (err) {
      problems.push(`${file}: ${(err as Error).message}`);
    }
  }
  const sources = new Map<string, string>();
  const raw: Record<string, unknown> = { ...fromFile };
  if (raw.timezone === undefined) raw.timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  for (const [name, { key, type }] of Object.entries(ENV_KEYS)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    if (name === 'TZ' && value.startsWith(':')) continue; // ":/etc/localtime" style: keep the system default
    sources.set(key, name);
    if (type === 'number') {
      const n = Number(value);
      raw[key] = /^\s*\d+\s*$/.test(value) ? n : value;
    } else if (type === 'list') {
      raw[key] = value.split(',').map((v) => v.trim()).filter(Boolean);
    } else raw[key] = value;
  }
  if (problems.length) throw new ConfigError(problems);
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(describeIssues(result.error, raw, sources, file));
  return deepFreeze(result.data);
}

function describeIssues(error: z.ZodError, raw: Record<string, unknown>, sources: Map<string, string>, file?: string): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String);
    const key = path.join('.') || '(top level)';
    const top = path[0] ?? '';
    const where = sources.has(top) ? `${sources.get(top)} (${key})` : file ? `${key} in ${file}` : key;
    // An unknown key's parent would be shown whole (at the top level, the whole config): the name says it.
    if (issue.code === 'unrecognized_keys') return `${where}: ${issue.message}`;
    const value = valueAt(raw, issue.path as (string | number)[]);
    return `${where}: got ${shownValue(path.at(-1) ?? '', value)}; ${issue.message}`;
  });
}

function valueAt(obj: unknown, path: (string | number)[]): unknown {
  let v: unknown = obj;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  return v;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}
