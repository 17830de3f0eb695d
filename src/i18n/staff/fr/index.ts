// The staff console's messages in this language, every part (keyed like en/index.ts).
import type { StaffCatalog } from '../types';
import { frAudit } from './audit';
import { frConsole } from './console';

export const staffFr: StaffCatalog = { ...frConsole, ...frAudit };
