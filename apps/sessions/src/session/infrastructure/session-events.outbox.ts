import type { EntityManager } from 'typeorm';
import { createEnvelope, Exchanges, SESSION_FINALIZED_V1, SESSION_STARTED_V1 } from '@chargeflow/contracts';
import { addToOutbox, currentCorrelation } from '@chargeflow/messaging';
import type { SessionEvent } from '../domain/session.aggregate';
import { toSessionFinalizedV1, toSessionStartedV1 } from '../session.view';

/** Writes the events a session recorded to the outbox, in the transaction that saves the session. */
export async function publishSessionEvents(manager: EntityManager, events: SessionEvent[]): Promise<void> {
  const origin = currentCorrelation() ?? { correlationId: 'sessions' };
  for (const event of events) {
    const [type, payload] =
      event.type === 'SessionStarted'
        ? [SESSION_STARTED_V1, toSessionStartedV1(event.session)]
        : [SESSION_FINALIZED_V1, toSessionFinalizedV1(event.session)];
    await addToOutbox(manager, Exchanges.events, type, createEnvelope(type, payload, origin));
  }
}
