// The staff console's English messages: every part, in one catalogue the others are keyed like.
import { enAudit } from './audit';
import { enConsole } from './console';
import { enDesk } from './desk';
import { enFleet } from './fleet';
import { enRules } from './rules';
import { enQueue } from './queue';
import { enStats } from './stats';

export const staffEn = { ...enConsole, ...enDesk, ...enRules, ...enStats, ...enFleet, ...enAudit, ...enQueue } as const;
