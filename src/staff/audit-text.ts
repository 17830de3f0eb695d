// Audit entries in a language-neutral form: each entry's detail holds message keys and their
// parameters (JSON), and is worded in the reader's language when the log is shown. Entries
// recorded before then hold an English sentence: those are recognised (from-english.ts) and
// translated when they match a message, and shown as written when they do not.
import { staffEn, type StaffKey } from '../i18n/staff/catalogue';
import type { StaffTranslate, TranslateEnglish } from '../i18n/staff/translate';

/** One part of what an action did: a message key of en/audit.ts and its parameters. */
export interface AuditPart {
  key: StaffKey;
  /** A parameter named `xKey` holds a message key, worded in the reader's language as `x`. */
  vars?: Record<string, string | number>;
}

/** What an action did: one part, or several shown joined by "; ". */
export type AuditDetail = AuditPart | readonly AuditPart[];

const isKey = (k: unknown): k is StaffKey => typeof k === 'string' && Object.hasOwn(staffEn, k);

export function encodeAuditDetail(detail: AuditDetail): string {
  const parts = Array.isArray(detail) ? detail : [detail as AuditPart];
  return JSON.stringify({ msg: parts.map((p) => (p.vars ? [p.key, p.vars] : [p.key])) });
}

/** The parts of an encoded detail; undefined for an entry written as a sentence. */
export function decodeAuditDetail(detail: string): AuditPart[] | undefined {
  if (!detail.startsWith('{"msg":')) return undefined;
  try {
    const { msg } = JSON.parse(detail) as { msg: unknown };
    if (!Array.isArray(msg)) return undefined;
    const parts: AuditPart[] = [];
    for (const item of msg) {
      if (!Array.isArray(item) || !isKey(item[0])) return undefined;
      const vars = item[1] as Record<string, string | number> | undefined;
      parts.push(vars && typeof vars === 'object' ? { key: item[0], vars } : { key: item[0] });
    }
    return parts;
  } catch {
    return undefined;
  }
}

/** An entry's detail in the reader's language. */
export function auditText(detail: string, t: StaffTranslate, tx: TranslateEnglish): string {
  const parts = decodeAuditDetail(detail);
  const separator = t('audit.separator');
  if (!parts) return detail.split('; ').map((s) => tx(s)).join(separator);
  return parts
    .map(({ key, vars }) => {
      if (!vars) return t(key);
      const worded: Record<string, string | number> = {};
      for (const [k, v] of Object.entries(vars)) {
        if (k.endsWith('Key') && isKey(v)) worded[k.slice(0, -3)] = t(v);
        else worded[k] = v;
      }
      return t(key, worded);
    })
    .join(separator);
}
