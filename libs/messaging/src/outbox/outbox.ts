import type { EntityManager } from 'typeorm';
import type { Envelope } from '@chargeflow/contracts';

export const OUTBOX_CHANNEL = 'outbox_message';

/** Adds an event to the outbox inside the caller's transaction: it is published only if that commits. */
export async function addToOutbox(
  manager: EntityManager,
  exchange: string,
  routingKey: string,
  envelope: Envelope,
): Promise<void> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('addToOutbox must run inside the transaction that makes the change');
  }
  await manager.query(
    `INSERT INTO outbox_message (message_id, exchange, routing_key, envelope) VALUES ($1, $2, $3, $4)`,
    [envelope.messageId, exchange, routingKey, JSON.stringify(envelope)],
  );
}
