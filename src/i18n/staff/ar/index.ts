// The staff console's messages in this language, every part (keyed like en/index.ts).
import type { StaffCatalog } from '../types';
import { arAudit } from './audit';
import { arConsole } from './console';
import { arDesk } from './desk';
import { arDeskPrint } from './desk-print';
import { arFleet } from './fleet';
import { arRules } from './rules';
import { arSettings } from './settings';
import { arSettingsChecks } from './settings-checks';
import { arQueue } from './queue';
import { arStats } from './stats';
import { arStoreAway } from './store-away';

export const staffAr: StaffCatalog = { ...arConsole, ...arDesk, ...arDeskPrint, ...arRules, ...arSettings, ...arSettingsChecks, ...arStats, ...arFleet, ...arAudit, ...arQueue, ...arStoreAway };
