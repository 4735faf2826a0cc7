import {
  createEnvelope,
  Exchanges,
  SESSION_FINALIZED_V1,
  SESSION_STARTED_V1,
  type Envelope,
} from '@chargeflow/contracts';
import { currentCorrelation } from '@chargeflow/messaging';
import type { SessionEvent } from '../domain/session.aggregate';
import { toSessionFinalizedV1, toSessionStartedV1 } from '../session.view';

/** The outbox messages of the events a session recorded, written by the statement that saves it. */
export function sessionEventMessages(
  events: SessionEvent[],
): { exchange: string; routingKey: string; envelope: Envelope }[] {
  const origin = currentCorrelation() ?? { correlationId: 'sessions' };
  return events.map((event) => {
    const [type, payload] =
      event.type === 'SessionStarted'
        ? [SESSION_STARTED_V1, toSessionStartedV1(event.session)]
        : [SESSION_FINALIZED_V1, toSessionFinalizedV1(event.session)];
    return { exchange: Exchanges.events, routingKey: type, envelope: createEnvelope(type, payload, origin) };
  });
}
