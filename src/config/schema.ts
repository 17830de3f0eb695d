// The configuration schema: every setting, its default and what it must be.
import { z } from 'zod';
import { isValidCidr, isValidIp } from '../domain/subnets';
import { en } from '../i18n/en';
import { SUPPORTED, isLang } from '../i18n/languages';

/** Texts by language code (en, es, fr, ar), each at most `max` characters. */
function languageTexts(max: number) {
  return z.record(z.string(), z.string().max(max)).superRefine((r, ctx) => {
    for (const k of Object.keys(r)) if (!isLang(k)) ctx.addIssue({ code: 'custom', path: [k], message: `expected a language code: ${SUPPORTED.join(', ')}` });
  });
}

const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'expected a time of day as HH:MM (24-hour clock), for example 09:30');

/** One opening period within a day, local time. `close` may be 24:00. */
export const openingPeriodSchema = z
  .object({ open: hhmm, close: hhmm })
  .refine((p) => p.open < p.close, { message: 'expected the closing time to be later than the opening time' });

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** Weekly opening hours; a day that is missing or empty is closed. `null` means always open. */
export const openingHoursSchema = z
  .object(Object.fromEntries(WEEKDAYS.map((d) => [d, z.array(openingPeriodSchema).max(4).optional()])) as Record<
    Weekday,
    z.ZodOptional<z.ZodArray<typeof openingPeriodSchema>>
  >)
  .strict()
  .nullable();

/** A zone's rules. Staff edit these live; the config file gives the starting values. */
export const policySchema = z
  .object({
    accessMode: z.enum(['click-through', 'pass']).default('click-through'),
    sessionMinutes: z.number().int().min(1).max(1440).default(60),
    dailyMinutes: z.number().int().min(1).max(1440).default(180),
    idleMinutes: z.number().int().min(0).max(1440).default(15),
    warningMinutes: z.number().int().min(0).max(120).default(5),
    allowExtend: z.boolean().default(true),
    /** Whether patrons may extend a session a pass started; without it a pass gives its minutes and no more. */
    extendPasses: z.boolean().default(false),
    openingHours: openingHoursSchema.default(null),
    closures: z
      .array(
        z.object({
          date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date as YYYY-MM-DD'),
          reason: z.string().max(200).default(''),
          /** The reason in other languages, by language code; `reason` is shown in the rest. */
          translations: languageTexts(200).optional(),
        }),
      )
      .max(366)
      .default([]),
    /** Kiosk queue: how long a free PC is held for the next ticket before the hold passes on. */
    holdMinutes: z.number().int().min(1).max(30).default(5),
    /** Kiosk queue: running sessions are extended, as the allowance and hours allow, while no one waits. */
    autoExtend: z.boolean().default(false),
    /** Data per session, in megabytes (1 MB = 1,000,000 bytes); the session ends when it is used. Needs a firewall that counts bytes. */
    dataMB: z.number().int().min(1).max(10_000_000).optional(),
  })
  .strict()
  // Rules across fields: the same whether the policy comes from the config file or the console.
  .superRefine((p, ctx) => {
    if (p.dailyMinutes < p.sessionMinutes) {
      ctx.addIssue({ code: 'custom', path: ['dailyMinutes'], message: 'The daily allowance must be at least one session long.' });
    }
    if (p.warningMinutes >= p.sessionMinutes) {
      ctx.addIssue({ code: 'custom', path: ['warningMinutes'], message: 'The warning must come before the end: use fewer minutes than the session length.' });
    }
  });

export const zoneSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'expected lower-case letters, digits and dashes, at most 32'),
    name: z.string().min(1).max(80),
    subnets: z
      .array(z.string().refine(isValidCidr, 'expected a subnet in CIDR form, for example 10.10.0.0/16 or 2001:db8::/64'))
      .min(1),
    policy: policySchema.default(() => policySchema.parse({})),
    /** Per-client bandwidth cap in megabits per second, enforced by nftables. */
    bandwidth: z
      .object({
        downMbps: z.number().min(0.1).max(100_000).optional(),
        upMbps: z.number().min(0.1).max(100_000).optional(),
      })
      .strict()
      .optional(),
    /** What the zone serves: `kiosk` zones count as public-computer uses in the yearly statistics. */
    kind: z.enum(['wifi', 'kiosk']).default('wifi'),
  })
  .strict();

export const configSchema = z
  .object({
    libraryName: z.string().min(1).max(120).default('Your Library'),
    /** The Wi-Fi network's name (SSID) patrons join, printed on passes. */
    wifiName: z.string().min(1).max(32).optional(),
    terms: z
      .string()
      .max(10000)
      // The built-in terms: the English message, which is translated like any other page text.
      .default(en['terms.default']),
    port: z.number().int().min(1).max(65535).default(8080),
    host: z.string().default('0.0.0.0'),
    httpsPort: z.number().int().min(1).max(65535).optional(),
    tlsCert: z.string().optional(),
    tlsKey: z.string().optional(),
    /** The portal's public base URL, used in redirects and RFC 8908 (https://portal.example.org). */
    portalUrl: z.url().optional(),
    venueInfoUrl: z.url().optional(),
    dataDir: z.string().default('./data'),
    /** The gateway's keys (owner-only, never backed up); default DATA_DIR/keys. See docs/privacy.md. */
    keysDir: z.string().min(1).optional(),
    redisUrl: z.string().regex(/^(redis|rediss|redis-sentinel|redis-cluster):\/\//, 'expected a URL starting with redis://, rediss://, redis-sentinel:// or redis-cluster://').optional(),
    firewall: z.enum(['noop', 'nftables']).default('noop'),
    timezone: z
      .string()
      .refine(isValidTimezone, 'expected an IANA time zone such as Europe/Paris or America/Chicago')
      .default('UTC'),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    /** `json` lines for log shippers, or `pretty` readable lines for journalctl. */
    logFormat: z.enum(['json', 'pretty']).default('json'),
    /** A name for this gateway, unique among gateways sharing one Redis. */
    gatewayId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'expected lower-case letters, digits and dashes, at most 32').default('gw1'),
    statsRetentionDays: z.number().int().min(1).max(3650).default(730),
    /**
     * Branch autonomy: how long a patron-path store call may take before the store is taken as
     * away and patrons are admitted from what this gateway knows (docs/multi-branch.md).
     */
    storeTimeoutMs: z.number().int().min(100).max(30_000).default(1000),
    /**
     * Redis: the longest one store command may wait, a reconnect or failover included, before it
     * fails (ioredis' commandTimeout). Jobs and the staff console wait this long on a frozen store.
     */
    storeCommandTimeoutMs: z
      .number({ error: 'expected a whole number of milliseconds from 1000 to 60000, e.g. 5000' })
      .int('expected a whole number of milliseconds from 1000 to 60000, e.g. 5000')
      .min(1000, 'expected at least 1000 ms: a healthy Redis answering slowly under load would fail commands')
      .max(60_000, 'expected at most 60000 ms: longer, a frozen store holds requests and jobs for minutes')
      .default(5000),
    /** Every listener cuts a request whose headers and body take longer than this (see src/http/server-timeouts.ts). */
    requestTimeoutSeconds: z.number().int().min(1).max(300).default(20),
    /** The staff console's own listener; keep it off the patrons' network. */
    staffPort: z.number().int().min(1).max(65535).default(8081),
    /** Loopback by default: open it to the staff network deliberately (or put a proxy in front). */
    staffHost: z.string().default('127.0.0.1'),
    /** A signed-in staff member is signed out after this long without a request. */
    staffSessionIdleMinutes: z.number().int().min(1).max(1440).default(30),
    /** How long the audit log of staff actions is kept. */
    auditRetentionDays: z.number().int().min(1).max(3650).default(365),
    /** The configured terms in other languages, by language code; `terms` is used for the rest. */
    termsTranslations: languageTexts(10000).default({}),
    /** Who answers for the patrons' data, named on the privacy page (GDPR art. 13). */
    privacyContact: z
      .object({
        /** The data controller; default: the library's name. */
        controller: z.string().min(1).max(200).optional(),
        /** An e-mail address, telephone or desk where patrons ask about their data. */
        contact: z.string().min(1).max(200).optional(),
        /** Where a patron may complain, e.g. the national data protection authority and its web address. */
        authority: z.string().min(1).max(300).optional(),
      })
      .strict()
      .default({}),
    /** A directory of extra or replacement lessons, laid out like content/: <lang>/<lesson>.md. */
    contentDir: z.string().min(1).optional(),
    zones: z
      .array(zoneSchema)
      .min(1)
      .default(() => [zoneSchema.parse({ id: 'wifi', name: 'Wi-Fi', subnets: ['0.0.0.0/0', '::/0'] })]),
    /** The network interfaces patrons are on (the nftables firewall controls traffic to and from them). */
    lanInterfaces: z
      .array(z.string().regex(/^[A-Za-z0-9_.@-]{1,15}$/, 'expected a network interface name such as wlan0 or br-lan (at most 15 characters)'))
      .max(32)
      .default([]),
    /** Reachable before accepting the terms: addresses, subnets or host names. */
    walledGarden: z
      .array(z.string().refine(isGardenEntry, 'expected an IP address, a subnet such as 192.0.2.0/24, or a host name such as catalogue.library.example'))
      .max(256)
      .default([]),
    // Public workstations: the agent API is on the HTTPS listener; plain HTTP only for development.
    agentOverHttp: z.union([z.boolean(), z.stringbool()], { error: 'expected true or false' }).default(false),
    /** k: no published figure (statistics page, CSV, chart, /metrics) describes fewer sessions than this. */
    minCellSessions: z.number().int().min(2, 'expected at least 2: a figure about one session singles a patron out').max(100).default(5),
    /** The bearer token /metrics asks for; without it /metrics answers 401 to everyone. */
    metricsToken: z.string().min(32, 'expected a token of at least 32 characters, e.g. from `openssl rand -base64 32`').optional(),
    /** Key for the staff sign-in limiter, the same on every gateway to share counts; kept in the gateway's config, never in the store. Unset: a random key per process. */
    staffLimiterKey: z.string().min(32, 'expected a key of at least 32 characters, e.g. from `openssl rand -base64 32`').optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const tls = [c.httpsPort, c.tlsCert, c.tlsKey].filter((v) => v !== undefined).length;
    if (tls > 0 && tls < 3) {
      ctx.addIssue({ code: 'custom', path: ['httpsPort'], message: 'expected all three of HTTPS_PORT, TLS_CERT and TLS_KEY, or none of them' });
    }
    if (c.firewall === 'nftables' && c.lanInterfaces.length === 0) {
      ctx.addIssue({ code: 'custom', path: ['lanInterfaces'], message: 'expected the LAN interfaces patrons are on when FIREWALL is nftables, e.g. LAN_INTERFACES=wlan0,eth1' });
    }
    if (c.staffPort === c.port || c.staffPort === c.httpsPort) {
      ctx.addIssue({ code: 'custom', path: ['staffPort'], message: 'expected the staff console on a port of its own, not the portal\'s' });
    }
    const ids = new Set<string>();
    c.zones.forEach((z, i) => {
      if (ids.has(z.id)) ctx.addIssue({ code: 'custom', path: ['zones', i, 'id'], message: `expected each zone id once; "${z.id}" is used twice` });
      ids.add(z.id);
    });
  });

export type Config = z.infer<typeof configSchema>;
export type Policy = z.infer<typeof policySchema>;
export type Zone = z.infer<typeof zoneSchema>;
export type OpeningHours = z.infer<typeof openingHoursSchema>;

const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;

function isGardenEntry(s: string): boolean {
  return isValidIp(s) || isValidCidr(s) || HOSTNAME.test(s);
}

function isValidTimezone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
