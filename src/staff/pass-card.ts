// What a printed pass promises: the minutes a patron will really get (a pass never gives more
// than the longest session of the zones that take passes), the Wi-Fi network to join, and how to
// use it in every language of the portal (a patron may not read the desk's language).
import type { Config, Policy } from '../config/schema';
import { LANGUAGES, SUPPORTED, type Lang } from '../i18n/languages';
import { translator } from '../i18n/translate';
import { csvCell } from './stats-service';

export interface PassCardText {
  /** The minutes each pass gives, at most; below the batch's minutes when a zone's session is shorter. */
  minutes: number;
  /** The zones that take passes now, and the longest session among them (undefined when none). */
  sessionCap?: number;
  how: { lang: Lang; dir: 'ltr' | 'rtl'; text: string }[];
}

/** A desk pass's card says where to type it (any zone) and that it works today only. */
export function passCardText(config: Pick<Config, 'wifiName'>, passPolicies: Pick<Policy, 'sessionMinutes'>[], minutes: number, kind: 'batch' | 'desk' = 'batch'): PassCardText {
  const sessionCap = passPolicies.length ? Math.max(...passPolicies.map((p) => p.sessionMinutes)) : undefined;
  const how = SUPPORTED.map((lang) => {
    const t = translator(lang);
    const text =
      kind === 'desk'
        ? config.wifiName ? t('passCard.deskHow', { network: config.wifiName }) : t('passCard.deskHowNoNetwork')
        : config.wifiName ? t('passCard.how', { network: config.wifiName }) : t('passCard.howNoNetwork');
    return { lang, dir: LANGUAGES[lang].dir, text };
  });
  return { minutes: sessionCap === undefined ? minutes : Math.min(minutes, sessionCap), ...(sessionCap === undefined ? {} : { sessionCap }), how };
}

/** The CSV's column names: stable and machine-readable, whatever the console's language. */
export const PASS_CSV_COLUMNS = ['code', 'minutes', 'valid_until'] as const;

/**
 * The codes as CSV, for libraries that print cards elsewhere. The header row is the stable
 * column names, or (`header`) the same columns named in the staff member's language.
 */
export function passCodesCsv(codes: string[], minutes: number, lastDay: string, header: readonly string[] = PASS_CSV_COLUMNS): string {
  return [header.map(csvCell).join(','), ...codes.map((c) => `${c},${minutes},${lastDay}`)].join('\r\n') + '\r\n';
}

