import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import { readProjectionSnapshot } from '../../projection/infrastructure/projection-snapshot';
import { AnalyticsQueryTimedOutError, AnalyticsRebuildingError } from '../domain/analytics-query.errors';

/** PostgreSQL's SQLSTATE for a statement cancelled, here by the statement timeout. */
const QUERY_CANCELED = '57014';

/** No analytics statement runs longer than this: the rollups keep every answer far below it. */
const STATEMENT_TIMEOUT_MS = 5_000;

/** Enough to aggregate a grouped answer (groups × windows rows) in memory instead of spilling to disk. */
const WORK_MEM = '32MB';

interface ProjectionStateRow {
  built_at: Date | null;
  rebuild_state: 'IDLE' | 'REBUILDING';
  rebuild_started_at: Date | null;
  rebuild_finished_at: Date | null;
  rebuild_sessions_read: string;
  rebuild_billing_read: string;
}

/**
 * Runs a query's statements on one snapshot of the projection, each under the statement timeout,
 * once the projection has been built whole; before that it answers ANALYTICS_REBUILDING with the
 * rebuild's progress, and a statement that runs out of time answers SERVICE_UNAVAILABLE.
 */
@Injectable()
export class ProjectionReader {
  constructor(private readonly dataSource: DataSource) {}

  async read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    try {
      return await this.readWhole(work);
    } catch (error) {
      const code = error instanceof QueryFailedError ? (error.driverError as { code?: string }).code : undefined;
      if (code === QUERY_CANCELED) throw new AnalyticsQueryTimedOutError(STATEMENT_TIMEOUT_MS);
      throw error;
    }
  }

  private readWhole<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return readProjectionSnapshot(
      this.dataSource,
      async (manager) => {
        const [state] = (await manager.query(
          `SELECT built_at, rebuild_state, rebuild_started_at, rebuild_finished_at, rebuild_sessions_read, rebuild_billing_read
           FROM projection_state`,
        )) as ProjectionStateRow[];
        if (!state?.built_at) {
          throw new AnalyticsRebuildingError({
            state: state?.rebuild_state ?? 'REBUILDING',
            startedAt: state?.rebuild_started_at?.toISOString() ?? null,
            sessionsRead: Number(state?.rebuild_sessions_read ?? 0),
            billingRecordsRead: Number(state?.rebuild_billing_read ?? 0),
            finishedAt: state?.rebuild_finished_at?.toISOString() ?? null,
          });
        }
        return work(manager);
      },
      { statementTimeoutMs: STATEMENT_TIMEOUT_MS, workMem: WORK_MEM },
    );
  }
}
