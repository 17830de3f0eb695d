// Commands that end a patron's work, or reach a whole zone, are confirmed on a page of their own
// first (works without JavaScript): it says what will happen, to how many PCs, and how many are
// in use, with the send button and a way back, in the staff member's language.
import type { StaffKey, StaffTranslate } from '../i18n/staff/translate';
import type { CommandKind } from '../workstations/protocol';
import type { FleetEntry } from '../workstations/fleet-view';

/** Commands that end or stop what a patron is doing on the PC. */
const DISRUPTIVE: readonly CommandKind[] = ['lock', 'end-session', 'restart', 'shutdown', 'out-of-order'];

export function needsConfirmation(kind: CommandKind, scope: 'zone' | 'one'): boolean {
  return scope === 'zone' || DISRUPTIVE.includes(kind);
}

export interface Confirmation {
  title: string;
  consequence?: string;
  button: string;
  action: string;
  back: string;
  fields: Record<string, string>;
}

export function confirmation(opts: {
  kind: CommandKind;
  message: string;
  target: { zone: string; zoneName: string } | { name: string };
  entries: FleetEntry[];
  base: string;
  t: StaffTranslate;
}): Confirmation {
  const { kind, target, entries, base, t } = opts;
  const command = t(`fleet.command.${kind}` as StaffKey);
  const count = entries.length;
  const inUse = entries.filter((e) => e.state === 'in-use').length;
  const zoneWide = 'zone' in target;
  const consequence =
    DISRUPTIVE.includes(kind) && inUse > 0
      ? inUse === 1
        ? t(zoneWide ? 'confirm.inUseOneOf' : 'confirm.inUseOne')
        : t('confirm.inUseMany', { n: inUse })
      : undefined;
  return zoneWide
    ? {
        title: t('confirm.zone', { command, zone: target.zoneName, n: count }),
        ...(consequence ? { consequence } : {}),
        button: t('confirm.sendZone', { n: count }),
        action: `${base}/workstations/commands`,
        back: `${base}/workstations?zone=${encodeURIComponent(target.zone)}`,
        fields: { zone: target.zone, kind, message: opts.message, confirm: 'yes' },
      }
    : {
        title: t('confirm.one', { command, name: target.name }),
        ...(consequence ? { consequence } : {}),
        button: t('confirm.sendOne', { command }),
        action: `${base}/workstations/${encodeURIComponent(target.name)}/commands`,
        back: `${base}/workstations/${encodeURIComponent(target.name)}`,
        fields: { kind, message: opts.message, confirm: 'yes' },
      };
}
