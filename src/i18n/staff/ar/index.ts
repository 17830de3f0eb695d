// The staff console's messages in this language, every part (keyed like en/index.ts).
import type { StaffCatalog } from '../types';
import { arAudit } from './audit';
import { arConsole } from './console';
import { arDesk } from './desk';

export const staffAr: StaffCatalog = { ...arConsole, ...arDesk, ...arAudit };
