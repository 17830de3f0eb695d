// Commands that end a patron's work, or reach a whole zone, are confirmed on a page of their own
// first (works without JavaScript): it says what will happen, to how many PCs, and how many are
// in use, with the send button and a way back.
import type { CommandKind } from '../workstations/protocol';
import type { FleetEntry } from '../workstations/fleet-view';
import { COMMAND_LABELS } from './fleet-format';

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
}): Confirmation {
  const { kind, target, entries, base } = opts;
  const label = COMMAND_LABELS[kind];
  const count = entries.length;
  const inUse = entries.filter((e) => e.state === 'in-use').length;
  const pcs = (n: number) => (n === 1 ? '1 workstation' : `${n} workstations`);
  const zoneWide = 'zone' in target;
  const consequence =
    DISRUPTIVE.includes(kind) && inUse > 0
      ? `${inUse === 1 ? (zoneWide ? '1 of them is' : 'It is') : `${inUse} of them are`} in use: ${inUse === 1 ? 'its patron loses' : 'their patrons lose'} what they have not saved.`
      : undefined;
  return zoneWide
    ? {
        title: `${label}: every workstation in ${target.zoneName} (${pcs(count)})?`,
        ...(consequence ? { consequence } : {}),
        button: `Yes, send to ${pcs(count)}`,
        action: `${base}/workstations/commands`,
        back: `${base}/workstations?zone=${encodeURIComponent(target.zone)}`,
        fields: { zone: target.zone, kind, message: opts.message, confirm: 'yes' },
      }
    : {
        title: `${label}: ${target.name}?`,
        ...(consequence ? { consequence } : {}),
        button: `Yes, ${label.charAt(0).toLowerCase()}${label.slice(1)}`,
        action: `${base}/workstations/${encodeURIComponent(target.name)}/commands`,
        back: `${base}/workstations/${encodeURIComponent(target.name)}`,
        fields: { kind, message: opts.message, confirm: 'yes' },
      };
}
