// The staff console's messages in this language, every part (keyed like en/index.ts).
import type { StaffCatalog } from '../types';
import { frAudit } from './audit';
import { frConsole } from './console';
import { frDesk } from './desk';
import { frDeskPrint } from './desk-print';
import { frFleet } from './fleet';
import { frRules } from './rules';
import { frSettings } from './settings';
import { frSettingsChecks } from './settings-checks';
import { frQueue } from './queue';
import { frStats } from './stats';
import { frStoreAway } from './store-away';

export const staffFr: StaffCatalog = { ...frConsole, ...frDesk, ...frDeskPrint, ...frRules, ...frSettings, ...frSettingsChecks, ...frStats, ...frFleet, ...frAudit, ...frQueue, ...frStoreAway };
