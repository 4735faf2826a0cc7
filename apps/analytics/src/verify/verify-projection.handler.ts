import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import type { AnalyticsDifference, AnalyticsVerifyReport, AnalyticsVerifyRun } from '@chargeflow/contracts';
import { PINO_LOGGER } from '@chargeflow/runtime';
import { LIVE_SCHEMA } from '../projection/infrastructure/projection.store';
import { UpstreamReader } from '../rebuild/upstream.reader';
import { MAX_DIFFERENCES, recountRollups } from './rollup-recount';
import { AnalyticsVerifyRunNotFoundError } from './verify.errors';

/** Advisory lock space of running verifications: held by the instance that runs one, for as long as it runs. */
const VERIFY_LOCK_SPACE = 7_111;

/** A recount reads every fact and rollup once: bounded, but far longer than a query's 5 s. */
const VERIFY_STATEMENT_TIMEOUT = '15min';

interface VerifyRunRow {
  id: string;
  status: AnalyticsVerifyRun['status'];
  started_at: Date;
  finished_at: Date | null;
  report: AnalyticsVerifyReport | null;
  error: string | null;
}

/**
 * Checks the projection against itself and upstream, in the background: every rollup row recounted
 * from the facts, and the numbers of sessions and billing records compared with the sessions and
 * pricing services. The recount reads one snapshot without the swap lock, so no switch-over waits for
 * it; a run that a switch-over crossed fails and says so. A run whose instance died fails when asked.
 */
@Injectable()
export class VerifyProjectionHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly upstream: UpstreamReader,
    @Inject(PINO_LOGGER) private readonly logger: Logger,
  ) {}

  /** The verification this instance runs, if any: one at a time, each holding a connection for its length. */
  private running: string | null = null;

  /** Starts a verification and answers it at once, RUNNING; while one runs here, answers that one instead. */
  async start(): Promise<AnalyticsVerifyRun> {
    if (this.running) return this.find(this.running);
    const id = randomUUID();
    this.running = id;
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(`SELECT pg_advisory_lock($1, hashtext($2))`, [VERIFY_LOCK_SPACE, id]);
      await runner.query(`INSERT INTO verify_run (id, status) VALUES ($1, 'RUNNING')`, [id]);
    } catch (error) {
      this.running = null;
      await runner.release();
      throw error;
    }
    const log = this.logger.child({ component: 'analytics.verify', verifyRunId: id });
    void this.run(id, runner.manager)
      .then(
        (report) => this.finish(runner.manager, id, 'DONE', report, null),
        (error: Error) => {
          log.error({ event: 'analytics.verify.failed', err: error }, `verification failed: ${error.message}`);
          return this.finish(runner.manager, id, 'FAILED', null, error.message);
        },
      )
      .catch((error: Error) => log.error({ err: error }, `recording the verification failed: ${error.message}`))
      .finally(() =>
        runner
          .query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [VERIFY_LOCK_SPACE, id])
          .catch(() => undefined)
          .finally(() => {
            this.running = null;
            return runner.release();
          }),
      );
    return this.find(id);
  }

  /** A verification by id; one still RUNNING whose instance no longer holds its lock is failed first. */
  async find(id: string): Promise<AnalyticsVerifyRun> {
    const row = await this.row(id);
    if (row.status === 'RUNNING' && (await this.orphaned(id))) {
      await this.dataSource.query(
        `UPDATE verify_run SET status = 'FAILED', finished_at = now(), error = $2 WHERE id = $1 AND status = 'RUNNING'`,
        [id, 'the instance running the verification stopped before it finished; start another'],
      );
      return runOf(await this.row(id));
    }
    return runOf(row);
  }

  private async row(id: string): Promise<VerifyRunRow> {
    const [row] = (await this.dataSource.query(`SELECT * FROM verify_run WHERE id = $1`, [id])) as VerifyRunRow[];
    if (!row) throw new AnalyticsVerifyRunNotFoundError(id);
    return row;
  }

  /** True when no connection holds the run's lock: the instance that ran it is gone. */
  private async orphaned(id: string): Promise<boolean> {
    return this.dataSource.transaction(async (manager) => {
      const [{ free }] = (await manager.query(`SELECT pg_try_advisory_xact_lock($1, hashtext($2)) AS free`, [
        VERIFY_LOCK_SPACE,
        id,
      ])) as { free: boolean }[];
      return free;
    });
  }

  private async run(id: string, manager: EntityManager): Promise<AnalyticsVerifyReport> {
    const upstream = await this.upstream.counts(`analytics-verify-${id}`);
    const builtBefore = await builtAt(this.dataSource.manager);
    if (builtBefore === null) throw new Error('the projection has not been built yet; verify once the rebuild is done');
    const report = await manager.transaction('REPEATABLE READ', async (snapshot) => {
      await snapshot.query(`SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = '${VERIFY_STATEMENT_TIMEOUT}'`);
      if ((await builtAt(snapshot)) !== builtBefore) throw switchedOver();
      const recount = await recountRollups(snapshot, LIVE_SCHEMA);
      const [{ sessions, billings }] = (await snapshot.query(
        `SELECT (SELECT count(*) FROM ${LIVE_SCHEMA}.session_fact)::int AS sessions,
                (SELECT count(*) FROM ${LIVE_SCHEMA}.billing_fact)::int AS billings`,
      )) as { sessions: number; billings: number }[];
      const counts: AnalyticsDifference[] = [
        { what: 'finalized sessions (upstream vs projection)', expected: upstream.finalizedSessions, found: sessions },
        { what: 'billing records (upstream vs projection)', expected: upstream.billingRecords, found: billings },
      ].filter((difference) => difference.expected !== difference.found);
      return {
        checkedBuckets: recount.checkedBuckets,
        sessions,
        upstream,
        differences: [...counts, ...recount.differences].slice(0, MAX_DIFFERENCES),
      };
    });
    // Tables a switch-over renamed in during the snapshot would have read as empty.
    if ((await builtAt(this.dataSource.manager)) !== builtBefore) throw switchedOver();
    return report;
  }

  private async finish(
    manager: EntityManager,
    id: string,
    status: 'DONE' | 'FAILED',
    report: AnalyticsVerifyReport | null,
    error: string | null,
  ): Promise<void> {
    await manager.query(
      `UPDATE verify_run SET status = $2, finished_at = now(), report = $3, error = $4 WHERE id = $1 AND status = 'RUNNING'`,
      [id, status, report === null ? null : JSON.stringify(report), error],
    );
  }
}

async function builtAt(manager: EntityManager): Promise<string | null> {
  const [row] = (await manager.query(`SELECT built_at::text AS "builtAt" FROM projection_state`)) as {
    builtAt: string | null;
  }[];
  return row?.builtAt ?? null;
}

function switchedOver(): Error {
  return new Error('a rebuild switched the projection over while it was verified; start another verification');
}

function runOf(row: VerifyRunRow): AnalyticsVerifyRun {
  return {
    id: row.id,
    status: row.status,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
    report: row.report,
    error: row.error,
  };
}
