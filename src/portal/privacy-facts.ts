// What this network keeps about a patron and for how long, read from the running configuration
// and policies: the facts that the privacy notice and the "what this network keeps" lesson state.
import type { Deps } from '../deps';
import { ADDRESS_EPOCH_MS, ADDRESS_FORGOTTEN_WITHIN_MS, PSEUDONYM_KEY_DAYS } from '../privacy/day-keys';
import { SESSION_GRACE_MS } from '../store/types';
import { LOG_SUMMARY_MINUTES } from '../sessions/session-log';
import { AUDIT_TIME_PRECISION_MS } from '../staff/audit-log';
import { formatDuration, type Translate } from '../i18n/translate';

/** A zone's limits, worded in the patron's language. */
export interface ZoneLimits {
  id: string;
  name: string;
  session: string;
  daily: string;
  /** Undefined when sessions never end for lack of traffic. */
  idle?: string;
}

/** Every fact, already worded in the patron's language ("1 hour", "730 days"). */
export interface PrivacyFacts {
  library: string;
  zones: ZoneLimits[];
  /** How long after its end a session record may outlive it. */
  grace: string;
  /** How long a day's pseudonym key exists. */
  keyDays: string;
  /** How often the address key is replaced (the epoch). */
  addressKey: string;
  /** How soon after a session's end no key can open its address any more. */
  forgotten: string;
  /** How long the aggregate statistics are kept. */
  retention: string;
  /** Who answers for the data, from `privacyContact` (the controller defaults to the library). */
  controller: string;
  contact?: string;
  authority?: string;
  // Published figures, logs and staff records: the same settings and constants the code uses.
  /** k: the fewest sessions a published figure describes (minCellSessions). */
  minCell: string;
  /** How long the staff audit log is kept (auditRetentionDays). */
  auditRetention: string;
  /** The precision of audit times (AUDIT_TIME_PRECISION_MS). */
  auditPrecision: string;
  /** How often the log's session counts are written (LOG_SUMMARY_MINUTES). */
  logSummary: string;
  /** The kiosk queue's hold time (the first kiosk zone's holdMinutes); undefined without a kiosk zone. */
  queueHold?: string;
}

export async function privacyFacts(deps: Deps, t: Translate): Promise<PrivacyFacts> {
  const zones: ZoneLimits[] = [];
  for (const z of deps.config.zones) {
    const p = await deps.sessions.policies.get(z.id);
    zones.push({
      id: z.id,
      name: z.name,
      session: formatDuration(t, p.sessionMinutes * 60),
      daily: formatDuration(t, p.dailyMinutes * 60),
      ...(p.idleMinutes ? { idle: formatDuration(t, p.idleMinutes * 60) } : {}),
    });
  }
  // The name staff set on the library settings page, else the configuration file's.
  const library = (await deps.library.current()).libraryName ?? deps.config.libraryName;
  const kiosk = deps.config.zones.find((z) => z.kind === 'kiosk');
  const hold = kiosk ? (await deps.sessions.policies.get(kiosk.id)).holdMinutes : undefined;
  return {
    ...(hold !== undefined ? { queueHold: formatDuration(t, hold * 60) } : {}),
    library,
    zones,
    grace: formatDuration(t, SESSION_GRACE_MS / 1000),
    keyDays: t('count.days', { n: PSEUDONYM_KEY_DAYS }),
    addressKey: formatDuration(t, ADDRESS_EPOCH_MS / 1000),
    forgotten: formatDuration(t, ADDRESS_FORGOTTEN_WITHIN_MS / 1000),
    retention: t('count.days', { n: deps.config.statsRetentionDays }),
    controller: deps.config.privacyContact.controller ?? library,
    ...(deps.config.privacyContact.contact ? { contact: deps.config.privacyContact.contact } : {}),
    ...(deps.config.privacyContact.authority ? { authority: deps.config.privacyContact.authority } : {}),
    minCell: String(deps.config.minCellSessions),
    auditRetention: t('count.days', { n: deps.config.auditRetentionDays }),
    auditPrecision: formatDuration(t, AUDIT_TIME_PRECISION_MS / 1000),
    logSummary: formatDuration(t, LOG_SUMMARY_MINUTES * 60),
  };
}
