import {
  CreateInbox1763800000001,
  CreateOutbox1763800000000,
  IndexOutboxPublishedAt1765100000000,
  OutboxWithoutNotify1768500000000,
} from '@chargeflow/messaging';
import { CreateSessionLedger1763800002000 } from './1763800002000-create-session-ledger';
import { CreateSamplesAndRejections1763800003000 } from './1763800003000-create-samples-and-rejections';
import { LedgerGuardOnlyWhenSealed1763800004000 } from './1763800004000-ledger-guard-only-when-sealed';
import { IngestUnderHostileInput1766500000000 } from './1766500000000-ingest-under-hostile-input';
import { RejectionsKeepMessageId1767400000000 } from './1767400000000-rejections-keep-message-id';
import { ParkedSamplesBySession1769100000000 } from './1769100000000-parked-samples-by-session';

/** Applied in this order at start-up. */
export const telemetryMigrations = [
  CreateOutbox1763800000000,
  CreateInbox1763800000001,
  CreateSessionLedger1763800002000,
  CreateSamplesAndRejections1763800003000,
  LedgerGuardOnlyWhenSealed1763800004000,
  IndexOutboxPublishedAt1765100000000,
  IngestUnderHostileInput1766500000000,
  RejectionsKeepMessageId1767400000000,
  OutboxWithoutNotify1768500000000,
  ParkedSamplesBySession1769100000000,
];
