import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type EntityManager, type QueryRunner } from 'typeorm';
import type { AnalyticsRebuildProgress } from '@chargeflow/contracts';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { readProjectionState } from '../projection/infrastructure/projection-state';
import { projectionTables } from '../projection/infrastructure/projection-tables';
import {
  createRollupDeltas,
  insertSessions,
  LIVE_SCHEMA,
  mergeRollupDeltas,
  packAllMonths,
  REBUILD_RUN_LOCK,
  recountedRevenue,
  recountedRollups,
  rollupTablesOf,
  SWAP_LOCK,
  upsertBillings,
} from '../projection/infrastructure/projection.store';
import { AnalyticsRebuildInProgressError } from './rebuild.errors';
import { UpstreamReader } from './upstream.reader';

/** Counting the rollups of every fact is bounded, but far longer than a query's few seconds. */
const COUNT_STATEMENT_TIMEOUT = '15min';

/**
 * How long a switch-over step may wait for the swap lock: past the readers' 5 s statement timeout
 * (a reader holds the lock shared for its whole snapshot), so a slow query never fails a rebuild.
 */
const SWAP_WAIT = '60s';

/** A first build that failed (upstream still starting, say) is tried again after this pause. */
const FIRST_BUILD_RETRY_MS = 30_000;
/**
 * How often a running instance looks for a rebuild left unfinished: one whose instance died while
 * another instance, finding it under way, had left it alone (only a start looked before).
 */
const ABANDONED_REBUILD_CHECK_MS = 5_000;

/**
 * Rebuilds the projection from upstream into a fresh schema and swaps it in atomically. The live
 * consumer keeps applying events meanwhile and writes them into the new schema too, so the swap
 * loses nothing (see swap for how its rollups are counted). One instance runs a rebuild at a time
 * (a session advisory lock).
 */
@Injectable()
export class RebuildProjectionHandler implements OnApplicationBootstrap, OnModuleDestroy {
  private running: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private watch: NodeJS.Timeout | null = null;
  private stopping = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly upstream: UpstreamReader,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  /** A projection never built whole (an empty database), or one whose rebuild died with its instance, is rebuilt. */
  async onApplicationBootstrap(): Promise<void> {
    this.watch = setInterval(() => void this.takeOverAbandoned(), ABANDONED_REBUILD_CHECK_MS);
    this.watch.unref();
    const state = await readProjectionState(this.dataSource.manager);
    if (state.builtAt !== null && state.rebuild.state === 'IDLE') return;
    await this.start('start-up').catch((error: Error) => {
      if (!(error instanceof AnalyticsRebuildInProgressError)) throw error;
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopping = true;
    if (this.retry) clearTimeout(this.retry);
    if (this.watch) clearInterval(this.watch);
    await this.running;
  }

  /**
   * A projection not built whole, or marked rebuilding, while no rebuild runs here: if no instance
   * holds the run lock (the one rebuilding died), this one rebuilds; else it was under way after all.
   */
  private async takeOverAbandoned(): Promise<void> {
    if (this.running || this.stopping) return;
    try {
      const state = await readProjectionState(this.dataSource.manager);
      if (state.builtAt !== null && state.rebuild.state === 'IDLE') return;
      await this.start('taking over a rebuild left unfinished');
    } catch (error) {
      if (error instanceof AnalyticsRebuildInProgressError) return;
      this.logger.warn({ event: 'analytics.rebuild.take-over-failed', err: error }, (error as Error).message);
    }
  }

  /** Starts a rebuild in the background and answers its progress at once. */
  async start(reason: string): Promise<AnalyticsRebuildProgress> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let locked = false;
    let schema: string;
    try {
      [{ locked }] = (await runner.query(`SELECT pg_try_advisory_lock($1) AS locked`, [REBUILD_RUN_LOCK])) as {
        locked: boolean;
      }[];
      if (!locked) throw new AnalyticsRebuildInProgressError((await readProjectionState(runner.manager)).rebuild);
      schema = await this.prepare(runner);
    } catch (error) {
      // The lock belongs to the pooled connection, which outlives the runner: give it back first.
      if (locked) await runner.query(`SELECT pg_advisory_unlock($1)`, [REBUILD_RUN_LOCK]).catch(() => undefined);
      await runner.release();
      throw error;
    }
    // A rebuild's failure is logged and retried by run(); nothing it throws may end the process.
    this.running = this.run(runner, schema, reason)
      .catch((error: Error) => this.logger.error({ event: 'analytics.rebuild.failed', err: error }, error.message))
      .finally(() => (this.running = null));
    return (await readProjectionState(this.dataSource.manager)).rebuild;
  }

  /** Creates the fresh schema and marks the rebuild, dropping what a dead one left behind. */
  private async prepare(runner: QueryRunner): Promise<string> {
    const schema = `projection_rebuild_${Date.now()}`;
    await runner.manager.transaction(async (manager) => {
      // Between event applications: each one sees either no rebuild or this one's schema, never a dropped one.
      await takeSwapLock(manager);
      const [{ stale }] = (await manager.query(`SELECT rebuild_schema AS stale FROM projection_state FOR UPDATE`)) as {
        stale: string | null;
      }[];
      if (stale) await manager.query(`DROP SCHEMA IF EXISTS ${stale} CASCADE`);
      for (const statement of projectionTables(schema)) await manager.query(statement);
      await manager.query(
        `UPDATE projection_state SET rebuild_state = 'REBUILDING', rebuild_schema = $1, rebuild_rollups = false,
           rebuild_started_at = now(),
           rebuild_finished_at = NULL, rebuild_sessions_read = 0, rebuild_billing_read = 0`,
        [schema],
      );
    });
    return schema;
  }

  private async run(runner: QueryRunner, schema: string, reason: string): Promise<void> {
    const correlationId = `analytics-rebuild-${randomUUID()}`;
    const log = this.logger.child({ component: 'analytics.rebuild', correlationId, schema });
    log.info({ event: 'analytics.rebuild.started', reason }, 'rebuilding the analytics projection');
    try {
      await this.dropRetired();
      for await (const facts of this.upstream.finalizedSessions(correlationId)) {
        this.assertNotStopping();
        await this.dataSource.transaction(async (manager) => {
          await insertSessions(manager, schema, facts);
          await manager.query(`UPDATE projection_state SET rebuild_sessions_read = rebuild_sessions_read + $1`, [
            facts.length,
          ]);
        });
      }
      for await (const billings of this.upstream.billingRecords(correlationId)) {
        this.assertNotStopping();
        await this.dataSource.transaction(async (manager) => {
          await upsertBillings(manager, schema, billings);
          await manager.query(`UPDATE projection_state SET rebuild_billing_read = rebuild_billing_read + $1`, [
            billings.length,
          ]);
        });
      }
      await this.swap(schema);
      const { rebuild } = await readProjectionState(this.dataSource.manager);
      log.info({ event: 'analytics.rebuild.finished', ...rebuild }, 'the rebuilt analytics projection is live');
    } catch (error) {
      log.error({ event: 'analytics.rebuild.failed', err: error }, `rebuild failed: ${(error as Error).message}`);
      await this.abandon(schema).catch((cleanup: Error) =>
        log.error({ err: cleanup }, `cleaning up the failed rebuild failed: ${cleanup.message}`),
      );
      await this.retryFirstBuild();
    } finally {
      await runner.query(`SELECT pg_advisory_unlock($1)`, [REBUILD_RUN_LOCK]).catch(() => undefined);
      await runner.release();
    }
  }

  /**
   * Counts the new schema's rollups from its facts, then makes it the live one. Only two short steps
   * hold the swap lock exclusive: the moment the count's snapshot is taken, and the switch-over,
   * which adds what was applied during the count and renames the schemas. The count itself runs
   * beside the live consumer and the readers, however many sessions it counts.
   */
  private async swap(schema: string): Promise<void> {
    await this.countRollups(schema);
    const retired = `projection_retired_${Date.now()}`;
    await this.dataSource.transaction(async (manager) => {
      await takeSwapLock(manager);
      await mergeRollupDeltas(manager, schema);
      await manager.query(`ALTER SCHEMA ${LIVE_SCHEMA} RENAME TO ${retired}`);
      await manager.query(`ALTER SCHEMA ${schema} RENAME TO ${LIVE_SCHEMA}`);
      await manager.query(
        `UPDATE projection_state SET built_at = now(), rebuild_state = 'IDLE', rebuild_schema = NULL,
           rebuild_rollups = false, rebuild_finished_at = now()`,
      );
    });
    await this.dropRetired();
  }

  /**
   * Drops the schemas switch-overs retired, after the switch-over and outside the swap lock: a
   * verification may still read one, and is then waited for briefly, never the readers or the consumer.
   * One still in use stays until the next rebuild drops it.
   */
  private async dropRetired(): Promise<void> {
    const retired = (await this.dataSource.query(
      `SELECT nspname AS schema FROM pg_namespace WHERE nspname LIKE 'projection\_retired\_%'`,
    )) as { schema: string }[];
    for (const { schema } of retired) {
      await this.dataSource
        .transaction(async (manager) => {
          await manager.query(`SET LOCAL lock_timeout = '2s'`);
          await manager.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        })
        .catch((error: Error) =>
          this.logger.warn(
            { event: 'analytics.rebuild.retired-kept', schema, err: error },
            `the retired schema ${schema} is still in use; the next rebuild drops it`,
          ),
        );
    }
  }

  /**
   * The count reads the facts as of a snapshot taken while no event is being applied (the swap lock
   * held exclusive on another connection); every event committed after it adds its own contribution
   * to the delta tables instead, so each fact is counted exactly once.
   */
  private async countRollups(schema: string): Promise<void> {
    const [switcher, counter] = [this.dataSource.createQueryRunner(), this.dataSource.createQueryRunner()];
    try {
      // Both connections are taken from the pool before the lock: waiting for one under it would stall every event.
      await Promise.all([switcher.connect(), counter.connect()]);
      await counter.startTransaction('REPEATABLE READ');
      // The count reads every fact once, far longer than a request's statement timeout.
      await counter.query(`SET LOCAL statement_timeout = '${COUNT_STATEMENT_TIMEOUT}'`);
      await switcher.startTransaction();
      await takeSwapLock(switcher.manager);
      // A repeatable-read snapshot is taken by the first query, not by BEGIN or SET: taken here, under the lock.
      await counter.query(`SELECT 1`);
      await createRollupDeltas(switcher.manager, schema);
      await switcher.query(`UPDATE projection_state SET rebuild_rollups = true`);
      await switcher.commitTransaction();
      await counter.query(`INSERT INTO ${schema}.rollup ${recountedRollups(schema)}`);
      await counter.query(`INSERT INTO ${schema}.revenue_rollup ${recountedRevenue(schema)}`);
      await packAllMonths(counter.manager, schema, rollupTablesOf(schema));
      await counter.commitTransaction();
    } catch (error) {
      await Promise.all(
        [switcher, counter]
          .filter((runner) => runner.isTransactionActive)
          .map((runner) => runner.rollbackTransaction()),
      );
      throw error;
    } finally {
      await Promise.all([switcher.release(), counter.release()]);
    }
  }

  private async abandon(schema: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await takeSwapLock(manager);
      await manager.query(
        `UPDATE projection_state SET rebuild_state = 'IDLE', rebuild_schema = NULL, rebuild_rollups = false`,
      );
      await manager.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    });
  }

  /** A stopping instance abandons its rebuild; the next start (or any instance) builds again. */
  private assertNotStopping(): void {
    if (this.stopping) throw new Error('the service is stopping');
  }

  private async retryFirstBuild(): Promise<void> {
    // The database may be what failed: with no answer, retry as a first build would; start() finds out.
    const builtAt = await readProjectionState(this.dataSource.manager).then(
      (state) => state.builtAt,
      () => null,
    );
    if (builtAt !== null || this.stopping) return;
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.start('retrying the first build').catch((error: Error) =>
        this.logger.warn({ event: 'analytics.rebuild.retry-failed', err: error }, error.message),
      );
    }, FIRST_BUILD_RETRY_MS);
    this.retry.unref();
  }
}

/** Takes the swap lock exclusive for the transaction, waiting longer than any reader may hold it shared. */
async function takeSwapLock(manager: EntityManager): Promise<void> {
  await manager.query(`SET LOCAL statement_timeout = '${SWAP_WAIT}'`);
  await manager.query(`SELECT pg_advisory_xact_lock($1)`, [SWAP_LOCK]);
}
