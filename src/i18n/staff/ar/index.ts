// The staff console's messages in this language, every part (keyed like en/index.ts).
import type { StaffCatalog } from '../types';
import { arAudit } from './audit';
import { arConsole } from './console';

export const staffAr: StaffCatalog = { ...arConsole, ...arAudit };
