import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AnalyticsDifference, AnalyticsVerifyReport } from '@chargeflow/contracts';
import { readProjectionSnapshot } from '../projection/infrastructure/projection-snapshot';
import { LIVE_SCHEMA } from '../projection/infrastructure/projection.store';
import { UpstreamReader } from '../rebuild/upstream.reader';
import { MAX_DIFFERENCES, recountRollups } from './rollup-recount';

/**
 * Checks the projection against itself and upstream: every rollup row recounted from the facts, and
 * the numbers of sessions and billing records compared with the sessions and pricing services.
 */
@Injectable()
export class VerifyProjectionHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly upstream: UpstreamReader,
  ) {}

  async verify(): Promise<AnalyticsVerifyReport> {
    const upstream = await this.upstream.counts(`analytics-verify-${randomUUID()}`);
    return readProjectionSnapshot(this.dataSource, async (manager) => {
      const recount = await recountRollups(manager, LIVE_SCHEMA);
      const [{ sessions, billings }] = (await manager.query(
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
  }
}
