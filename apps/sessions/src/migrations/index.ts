import {
  CreateOutbox1763800000000,
  IndexOutboxPublishedAt1765100000000,
  OutboxWithoutNotify1768500000000,
} from '@chargeflow/messaging';
import { CreateFleetAndSessions1763800001000 } from './1763800001000-create-fleet-and-sessions';
import { OcppLinksAndTokens1767000001000 } from './1767000001000-ocpp-links-and-tokens';
import { ChargesNameTheirRider1767300000000 } from './1767300000000-charges-name-their-rider';
import { EndRequests1767500000000 } from './1767500000000-end-requests';

/** Applied in this order at start-up. */
export const sessionsMigrations = [
  CreateOutbox1763800000000,
  CreateFleetAndSessions1763800001000,
  IndexOutboxPublishedAt1765100000000,
  OcppLinksAndTokens1767000001000,
  ChargesNameTheirRider1767300000000,
  EndRequests1767500000000,
  OutboxWithoutNotify1768500000000,
];
