import { CreateInbox1763800000001 } from '@chargeflow/messaging';

/** Applied in this order at start-up. */
export const analyticsMigrations = [CreateInbox1763800000001];
