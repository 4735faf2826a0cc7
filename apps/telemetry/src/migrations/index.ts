import { CreateInbox1763800000001, CreateOutbox1763800000000 } from '@chargeflow/messaging';

/** Applied in this order at start-up. */
export const telemetryMigrations = [CreateOutbox1763800000000, CreateInbox1763800000001];
