// The staff console's English messages: every part, in one catalogue the others are keyed like.
import { enAudit } from './audit';
import { enConsole } from './console';
import { enDesk } from './desk';
import { enDeskPrint } from './desk-print';
import { enFleet } from './fleet';
import { enRules } from './rules';
import { enSettings } from './settings';
import { enSettingsChecks } from './settings-checks';
import { enQueue } from './queue';
import { enStats } from './stats';
import { enStoreAway } from './store-away';

export const staffEn = { ...enConsole, ...enDesk, ...enDeskPrint, ...enRules, ...enSettings, ...enSettingsChecks, ...enStats, ...enFleet, ...enAudit, ...enQueue, ...enStoreAway } as const;
