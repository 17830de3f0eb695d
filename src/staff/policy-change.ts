// Says in a few words what changed between two policies, for the audit log.
import { WEEKDAYS, type Policy } from '../config/schema';

export function describePolicyChange(before: Policy, after: Policy): string {
  const out: string[] = [];
  const num = (key: 'sessionMinutes' | 'dailyMinutes' | 'idleMinutes' | 'warningMinutes' | 'holdMinutes', label: string) => {
    if (before[key] !== after[key]) out.push(`${label} ${before[key]} → ${after[key]} min`);
  };
  if (before.accessMode !== after.accessMode) out.push(`access ${before.accessMode} → ${after.accessMode}`);
  num('sessionMinutes', 'session');
  num('dailyMinutes', 'daily');
  num('idleMinutes', 'idle');
  num('warningMinutes', 'warning');
  if (before.extendPasses !== after.extendPasses) out.push(after.extendPasses ? 'pass sessions may be extended' : 'pass sessions may not be extended');
  num('holdMinutes', 'queue hold');
  if (before.autoExtend !== after.autoExtend) out.push(after.autoExtend ? 'kiosk sessions extended while no one waits' : 'no automatic extension');
  if (before.allowExtend !== after.allowExtend) out.push(after.allowExtend ? 'patrons may extend' : 'patrons may not extend');
  const hours = (p: Policy) => (p.openingHours === null ? 'always open' : WEEKDAYS.map((d) => (p.openingHours?.[d] ?? []).map((x) => `${x.open}-${x.close}`).join(',')).join(';'));
  if (hours(before) !== hours(after)) out.push(after.openingHours === null ? 'now always open' : 'opening hours changed');
  if (before.dataMB !== after.dataMB) out.push(`data ${before.dataMB ?? 'unlimited'} → ${after.dataMB ?? 'unlimited'} MB per session`);
  if (JSON.stringify(before.closures) !== JSON.stringify(after.closures)) out.push(`closures ${before.closures.length} → ${after.closures.length}`);
  return out.join('; ');
}
