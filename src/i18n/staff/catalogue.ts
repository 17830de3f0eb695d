// The staff console's catalogues, one per language the console speaks (the patron languages).
// Adding a language: docs/languages.md.
import type { Lang } from '../languages';
import { staffEn } from './en';
import { staffEs } from './es';
import { staffFr } from './fr';
import { staffAr } from './ar';
import type { StaffCatalog } from './types';

export { staffEn } from './en';
export type { StaffCatalog, StaffKey } from './types';

export const STAFF_CATALOGS: Readonly<Record<Lang, StaffCatalog>> = { en: staffEn, es: staffEs, fr: staffFr, ar: staffAr };
