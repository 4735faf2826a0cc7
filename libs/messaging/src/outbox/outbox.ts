import type { DataSource, EntityManager } from 'typeorm';
import type { Envelope } from '@chargeflow/contracts';

/** The relay of each data source in this process, woken when a row it should publish commits. */
const relays = new WeakMap<DataSource, () => void>();
/** Marks a transaction that wrote outbox rows: its commit wakes the relay (see OutboxRelay). */
export const OUTBOX_WRITTEN = 'outboxWritten';

/** Called by the relay of `dataSource` when it starts; the returned function forgets it. */
export function wakeOnOutboxWrites(dataSource: DataSource, wake: () => void): () => void {
  relays.set(dataSource, wake);
  return () => relays.delete(dataSource);
}

/**
 * Wakes this process's relay for rows just written through `manager`: now when the statement has
 * committed on its own, or when its transaction commits. Without it the rows wait for the relay's poll.
 * A NOTIFY would wake relays of every instance, but PostgreSQL serializes the commits of notifying
 * transactions (all databases of the server, each holding a lock through its WAL flush): 50 writers
 * committed 100 to 150 times a second with a NOTIFY each, about 2,000 without.
 */
export function outboxWrittenBy(manager: EntityManager): void {
  const runner = manager.queryRunner;
  if (runner?.isTransactionActive) {
    runner.data = { ...runner.data, [OUTBOX_WRITTEN]: true };
    return;
  }
  relays.get(manager.connection)?.();
}

/** Adds an event to the outbox inside the caller's transaction: it is published only if that commits. */
export function addToOutbox(
  manager: EntityManager,
  exchange: string,
  routingKey: string,
  envelope: Envelope,
): Promise<void> {
  return addAllToOutbox(manager, [{ exchange, routingKey, envelope }]);
}

/** Adds events to the outbox inside the caller's transaction, in this order, in one statement. */
export async function addAllToOutbox(
  manager: EntityManager,
  events: { exchange: string; routingKey: string; envelope: Envelope }[],
): Promise<void> {
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('addToOutbox must run inside the transaction that makes the change');
  }
  const values = events.map(
    (_, index) => `($${index * 4 + 1}, $${index * 4 + 2}, $${index * 4 + 3}, $${index * 4 + 4})`,
  );
  await manager.query(
    `INSERT INTO outbox_message (message_id, exchange, routing_key, envelope) VALUES ${values.join(', ')}`,
    events.flatMap(({ exchange, routingKey, envelope }) => [
      envelope.messageId,
      exchange,
      routingKey,
      JSON.stringify(envelope),
    ]),
  );
  outboxWrittenBy(manager);
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
 * change does. Parameters are numbered from `firstParameter`. Call `outboxWrittenBy` after the statement.
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
