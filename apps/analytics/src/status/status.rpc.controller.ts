import { Controller } from '@nestjs/common';
import { MessagePattern } from '@nestjs/microservices';
import { DataSource } from 'typeorm';
import { AnalyticsRpc, type AnalyticsStatus } from '@chargeflow/contracts';
import { readProjectionState } from '../projection/infrastructure/projection-state';
import { LIVE_SCHEMA } from '../projection/infrastructure/projection.store';

@Controller()
export class StatusRpcController {
  constructor(private readonly dataSource: DataSource) {}

  /** The newest event applied, its lag, the sessions projected and a rebuild's progress. */
  @MessagePattern(AnalyticsRpc.status)
  async status(): Promise<AnalyticsStatus> {
    const state = await readProjectionState(this.dataSource.manager);
    const [{ sessions }] = (await this.dataSource.query(
      `SELECT coalesce(sum(sessions), 0)::int AS sessions FROM ${LIVE_SCHEMA}.rollup WHERE level = 'MONTH' AND dim = 'ALL'`,
    )) as { sessions: number }[]; // from the coarsest rollup: a few rows, not a scan of the facts
    const { lastEventOccurredAt: occurred, lastAppliedAt: applied } = state;
    return {
      lastEventOccurredAt: occurred?.toISOString() ?? null,
      lastAppliedAt: applied?.toISOString() ?? null,
      lagS: occurred && applied ? (applied.getTime() - occurred.getTime()) / 1000 : null,
      sessions,
      rebuild: state.rebuild,
    };
  }
}
