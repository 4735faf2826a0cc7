import {
  CreateInbox1763800000001,
  CreateOutbox1763800000000,
  IndexOutboxPublishedAt1765100000000,
  OutboxWithoutNotify1768500000000,
} from '@chargeflow/messaging';
import { CreateTariffs1763800005000 } from './1763800005000-create-tariffs';
import { CreateBillingRecords1763800006000 } from './1763800006000-create-billing-records';
import { BillingRecordRevision1766000000000 } from './1766000000000-billing-record-revision';
import { BillingInputsAndVerifications1767000000000 } from './1767000000000-billing-inputs-and-verifications';
import { VerifyByStart1768000000000 } from './1768000000000-verify-by-start';

/** Applied in this order at start-up. */
export const pricingMigrations = [
  CreateOutbox1763800000000,
  CreateInbox1763800000001,
  CreateTariffs1763800005000,
  CreateBillingRecords1763800006000,
  IndexOutboxPublishedAt1765100000000,
  BillingRecordRevision1766000000000,
  BillingInputsAndVerifications1767000000000,
  VerifyByStart1768000000000,
  OutboxWithoutNotify1768500000000,
];
