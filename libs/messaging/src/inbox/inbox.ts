import type { DataSource, EntityManager } from 'typeorm';

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
    const claimed: unknown[] = await manager.query(
      `INSERT INTO inbox_message (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      [consumer, messageId],
    );
    if (claimed.length === 0) return false;
    await effect(manager);
    return true;
  });
}
