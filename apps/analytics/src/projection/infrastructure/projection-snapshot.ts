import type { DataSource, EntityManager } from 'typeorm';
import { SWAP_LOCK } from './projection.store';

/**
 * Runs `work` in a REPEATABLE READ transaction that no switch-over can cross. The swap lock is taken
 * shared on the connection BEFORE the transaction starts: a snapshot taken first could otherwise meet
 * tables renamed in by a swap that committed after it, and read them empty. The lock is released once
 * the transaction has ended, so a switch-over waits for the readers in flight, and new readers for it.
 */
export async function readProjectionSnapshot<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock_shared($1)`, [SWAP_LOCK]);
    try {
      await runner.startTransaction('REPEATABLE READ');
      try {
        const result = await work(runner.manager);
        await runner.commitTransaction();
        return result;
      } catch (error) {
        await runner.rollbackTransaction();
        throw error;
      }
    } finally {
      await runner.query(`SELECT pg_advisory_unlock_shared($1)`, [SWAP_LOCK]);
    }
  } finally {
    await runner.release();
  }
}
