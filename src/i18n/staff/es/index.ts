// The staff console's messages in this language, every part (keyed like en/index.ts).
import type { StaffCatalog } from '../types';
import { esAudit } from './audit';
import { esConsole } from './console';
import { esDesk } from './desk';
import { esDeskPrint } from './desk-print';
import { esFleet } from './fleet';
import { esRules } from './rules';
import { esSettings } from './settings';
import { esSettingsChecks } from './settings-checks';
import { esQueue } from './queue';
import { esStats } from './stats';
import { esStoreAway } from './store-away';

export const staffEs: StaffCatalog = { ...esConsole, ...esDesk, ...esDeskPrint, ...esRules, ...esSettings, ...esSettingsChecks, ...esStats, ...esFleet, ...esAudit, ...esQueue, ...esStoreAway };
