import { CreateOutbox1763800000000 } from '@chargeflow/messaging';

/** Applied in this order at start-up. */
export const sessionsMigrations = [CreateOutbox1763800000000];
