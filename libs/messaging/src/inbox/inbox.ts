import type { DataSource, EntityManager } from 'typeorm';
import { runPrepared } from '../prepared-statement';

/**
 * Applies a message's effect at most once per consumer: the inbox row and the effect commit in one
 * transaction, so a redelivered message finds its row and changes nothing.
 * Resolves true when the effect ran, false when the message had already been processed.
 */
export async function processOnce(
  dataSource: DataSource,
  consumer: string,
  messageId: string,
  effect: (manager: EntityManager) => Promise<void>,
): Promise<boolean> {
  return dataSource.transaction(async (manager) => {
    const claimed = await runPrepared<unknown[]>(manager, {
      text: `INSERT INTO inbox_message (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      values: [consumer, messageId],
    });
    if (claimed.length === 0) return false;
    await effect(manager);
    return true;
  });
}

/**
 * Claims a batch of messages for a consumer inside the caller's transaction, in one statement: the
 * ids not processed before (each once, however often the batch holds it), claimed in id order so two
 * consumers claiming overlapping batches never wait on each other in a circle. Their effects must
 * commit in the same transaction, as with `processOnce`.
 */
export async function claimUnprocessed(
  manager: EntityManager,
  consumer: string,
  messageIds: string[],
): Promise<Set<string>> {
  if (messageIds.length === 0) return new Set();
  const claimed = (await manager.query(
    `INSERT INTO inbox_message (consumer, message_id) SELECT $1, id FROM unnest($2::uuid[]) AS id ORDER BY id
     ON CONFLICT DO NOTHING RETURNING message_id AS "messageId"`,
    [consumer, messageIds],
  )) as { messageId: string }[];
  return new Set(claimed.map((row) => row.messageId));
}
