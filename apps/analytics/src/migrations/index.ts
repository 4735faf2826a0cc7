import { CreateInbox1763800000001 } from '@chargeflow/messaging';
import { CreateProjection1766100000000 } from './1766100000000-create-projection';
import { RebuildRollups1766200000000 } from './1766200000000-rebuild-rollups';
import { CreateVerifyRun1766300000000 } from './1766300000000-create-verify-run';
import { CoveringRollupReads1766400000000 } from './1766400000000-covering-rollup-reads';
import { MonthRollupsByYear1769000000000 } from './1769000000000-month-rollups-by-year';

/** Applied in this order at start-up. */
export const analyticsMigrations = [
  CreateInbox1763800000001,
  CreateProjection1766100000000,
  RebuildRollups1766200000000,
  CreateVerifyRun1766300000000,
  CoveringRollupReads1766400000000,
  MonthRollupsByYear1769000000000,
];
