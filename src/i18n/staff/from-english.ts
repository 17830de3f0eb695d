// Reads an English sentence the console wrote (a service's form error, an audit entry recorded
// before entries were language-neutral) back into its staff message key and parameters, so it
// can be shown in the reader's language. A sentence that matches no message is shown as written.
import type { Message } from '../message';
import type { StaffKey } from './types';

export interface Matched {
  key: StaffKey;
  vars: Record<string, string>;
}

interface Template {
  key: StaffKey;
  re: RegExp;
  names: string[];
  /** Literal characters: the longer, the more specific (tried first). */
  weight: number;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function englishMatcher(english: Readonly<Record<string, Message>>): (text: string) => Matched | undefined {
  const exact = new Map<string, StaffKey>();
  const templates: Template[] = [];
  for (const [key, msg] of Object.entries(english)) {
    for (const form of typeof msg === 'string' ? [msg] : Object.values(msg)) {
      const names = [...form.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      if (names.length === 0) {
        if (!exact.has(form)) exact.set(form, key as StaffKey);
        continue;
      }
      const literal = form.split(/\{\w+\}/);
      const re = new RegExp(`^${literal.map(escape).join('(.+?)')}$`, 's');
      templates.push({ key: key as StaffKey, re, names, weight: literal.join('').length });
    }
  }
  templates.sort((a, b) => b.weight - a.weight);
  return (text) => {
    const key = exact.get(text);
    if (key) return { key, vars: {} };
    for (const t of templates) {
      const m = t.re.exec(text);
      if (m) return { key: t.key, vars: Object.fromEntries(t.names.map((n, i) => [n, m[i + 1]!])) };
    }
    return undefined;
  };
}
