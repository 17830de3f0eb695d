// The types of the staff catalogues: every language keyed like the English one (en/index.ts).
import type { Message } from '../message';
import type { staffEn } from './en';

export type StaffKey = keyof typeof staffEn;

/** One part of a language's staff messages (console, desk, rules, statistics, fleet). */
export type StaffCatalog = Partial<Record<StaffKey, Message>>;
