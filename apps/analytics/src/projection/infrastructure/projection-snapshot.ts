import type { DataSource, EntityManager } from 'typeorm';
import { SWAP_LOCK } from './projection.store';

/** Settings of the snapshot's transaction alone (SET LOCAL, and no JIT compilation), sent with its start. */
export interface SnapshotSettings {
  statementTimeoutMs: number;
  workMem: string;
}

/**
 * Runs `work` in a READ ONLY, REPEATABLE READ transaction that no switch-over can cross. The swap
 * lock is taken shared on the connection BEFORE the transaction starts: a snapshot taken first could
 * otherwise meet tables renamed in by a swap that committed after it, and read them empty. The lock is
 * released once the transaction has ended, so a switch-over waits for the readers in flight, and new
 * readers for it. The start and its settings, and the end and the unlock, each take one round trip.
 */
export async function readProjectionSnapshot<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  settings?: SnapshotSettings,
): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock_shared($1)`, [SWAP_LOCK]);
    const unlock = `SELECT pg_advisory_unlock_shared(${Number(SWAP_LOCK)})`;
    try {
      await runner.query(
        `START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY` +
          (settings
            ? `; SET LOCAL statement_timeout = ${Number(settings.statementTimeoutMs)}; SET LOCAL work_mem = '${settings.workMem}'` +
              // Compiling a plan takes 100 - 200 ms: more than any projection read runs, whatever its cost estimate.
              `; SET LOCAL jit = off`
            : ''),
      );
      const result = await work(runner.manager);
      await runner.query(`COMMIT; ${unlock}`);
      return result;
    } catch (error) {
      // The unlock must not be skipped on a connection that goes back to the pool: a switch-over would wait on it.
      await runner
        .query(`ROLLBACK; ${unlock}`)
        .catch(() => runner.query(unlock))
        .catch(() => undefined);
      throw error;
    }
  } finally {
    await runner.release();
  }
}
