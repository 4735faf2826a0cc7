import { CreateInbox1763800000001 } from '@chargeflow/messaging';
import { CreateProjection1766100000000 } from './1766100000000-create-projection';

/** Applied in this order at start-up. */
export const analyticsMigrations = [CreateInbox1763800000001, CreateProjection1766100000000];
