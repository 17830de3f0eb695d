// The staff console's messages in this language, every part (keyed like en/index.ts).
import type { StaffCatalog } from '../types';
import { esAudit } from './audit';
import { esConsole } from './console';
import { esDesk } from './desk';
import { esFleet } from './fleet';
import { esRules } from './rules';
import { esQueue } from './queue';
import { esStats } from './stats';

export const staffEs: StaffCatalog = { ...esConsole, ...esDesk, ...esRules, ...esStats, ...esFleet, ...esAudit, ...esQueue };
