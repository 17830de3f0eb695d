// Says in a few words what changed between two policies, for the audit log: message keys and
// their parameters (en/audit.ts), worded in the reader's language when the log is read.
import { WEEKDAYS, type Policy } from '../config/schema';
import type { AuditPart } from './audit-text';

export function describePolicyChange(before: Policy, after: Policy): AuditPart[] {
  const out: AuditPart[] = [];
  const num = (key: 'sessionMinutes' | 'dailyMinutes' | 'idleMinutes' | 'warningMinutes' | 'holdMinutes', what: 'session' | 'daily' | 'idle' | 'warning' | 'hold') => {
    if (before[key] !== after[key]) out.push({ key: 'audit.policyMinutes', vars: { whatKey: `audit.word.${what}`, from: before[key], to: after[key] } });
  };
  if (before.accessMode !== after.accessMode) out.push({ key: 'audit.policyAccess', vars: { fromKey: `audit.word.${before.accessMode}`, toKey: `audit.word.${after.accessMode}` } });
  num('sessionMinutes', 'session');
  num('dailyMinutes', 'daily');
  num('idleMinutes', 'idle');
  num('warningMinutes', 'warning');
  if (before.extendPasses !== after.extendPasses) out.push({ key: after.extendPasses ? 'audit.policyExtendPassesOn' : 'audit.policyExtendPassesOff' });
  num('holdMinutes', 'hold');
  if (before.autoExtend !== after.autoExtend) out.push({ key: after.autoExtend ? 'audit.policyAutoExtendOn' : 'audit.policyAutoExtendOff' });
  if (before.allowExtend !== after.allowExtend) out.push({ key: after.allowExtend ? 'audit.policyExtendOn' : 'audit.policyExtendOff' });
  const hours = (p: Policy) => (p.openingHours === null ? 'always open' : WEEKDAYS.map((d) => (p.openingHours?.[d] ?? []).map((x) => `${x.open}-${x.close}`).join(',')).join(';'));
  if (hours(before) !== hours(after)) out.push({ key: after.openingHours === null ? 'audit.policyAlwaysOpen' : 'audit.policyHours' });
  if (before.dataMB !== after.dataMB) {
    const mb = (v: number | null | undefined, side: 'from' | 'to') => (v == null ? { [`${side}Key`]: 'audit.word.unlimited' } : { [side]: v });
    out.push({ key: 'audit.policyData', vars: { ...mb(before.dataMB, 'from'), ...mb(after.dataMB, 'to') } });
  }
  if (JSON.stringify(before.closures) !== JSON.stringify(after.closures)) out.push({ key: 'audit.policyClosures', vars: { from: before.closures.length, to: after.closures.length } });
  return out;
}
