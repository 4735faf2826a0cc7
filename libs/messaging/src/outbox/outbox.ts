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

/** The statement-level outbox write: a change made in a single statement writes its events in that statement. */
export interface OutboxRows {
  /** A data-modifying CTE that inserts the events when `source` (another CTE of the statement) returns a row. */
  sql: string;
  parameters: unknown[];
}

/**
 * `addToOutbox` for a change made by one statement instead of a transaction: the events go in as a CTE
 * of that statement, conditional on its `source` CTE returning a row, so they commit exactly when the
 * change does. Parameters are numbered from `firstParameter`.
 */
export function outboxRowsAfter(
  source: string,
  events: { exchange: string; routingKey: string; envelope: Envelope }[],
  firstParameter: number,
): OutboxRows {
  const parameters: unknown[] = [];
  const rows = events.map((event) => {
    const at = firstParameter + parameters.length;
    parameters.push(event.envelope.messageId, event.exchange, event.routingKey, JSON.stringify(event.envelope));
    return `SELECT $${at}::uuid, $${at + 1}::text, $${at + 2}::text, $${at + 3}::jsonb FROM ${source}`;
  });
  return {
    sql: `INSERT INTO outbox_message (message_id, exchange, routing_key, envelope) ${rows.join(' UNION ALL ')}`,
    parameters,
  };
}
