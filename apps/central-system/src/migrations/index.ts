import {
  CreateInbox1763800000001,
  CreateOutbox1763800000000,
  IndexOutboxPublishedAt1765100000000,
  OutboxWithoutNotify1768500000000,
} from '@chargeflow/messaging';
import { CreateChargePoints1767000000000 } from './1767000000000-create-charge-points';
import { CreateTransactions1767000001000 } from './1767000001000-create-transactions';
import { CreateConnections1767000002000 } from './1767000002000-create-connections';
import { CreateProtocolLog1767000003000 } from './1767000003000-create-protocol-log';
import { IndexProtocolLogPayload1767000004000 } from './1767000004000-index-protocol-log-payload';
import { EndChargesAfterTheAnswer1768600000000 } from './1768600000000-end-charges-after-the-answer';
import { NoPayloadStatistics1769000000000 } from './1769000000000-no-payload-statistics';

/** Applied in this order at start-up. */
export const centralSystemMigrations = [
  CreateOutbox1763800000000,
  CreateInbox1763800000001,
  IndexOutboxPublishedAt1765100000000,
  CreateChargePoints1767000000000,
  CreateTransactions1767000001000,
  CreateConnections1767000002000,
  CreateProtocolLog1767000003000,
  IndexProtocolLogPayload1767000004000,
  OutboxWithoutNotify1768500000000,
  EndChargesAfterTheAnswer1768600000000,
  NoPayloadStatistics1769000000000,
];
