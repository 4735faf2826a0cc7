import { Injectable } from '@nestjs/common';
import type { AnalyticsExplainRequest, AnalyticsExplanation } from '@chargeflow/contracts';
import { decodeCursor, pageSize, toPage } from '@chargeflow/runtime';
import { metricOf, noFigures, sessionValueOf } from '../domain/figures';
import { explainQueryOf, isRevenueMetric } from '../domain/query-scope';
import { ProjectionReader } from '../infrastructure/projection-reader';
import { RollupFiguresQuery, WHOLE } from '../infrastructure/rollup-figures.query';
import { SessionFactsQuery } from '../infrastructure/session-facts.query';

/** A metric's figure, computed as summary computes it, and a page of the sessions that sum to it. */
@Injectable()
export class ExplainHandler {
  constructor(
    private readonly reader: ProjectionReader,
    private readonly figures: RollupFiguresQuery,
    private readonly sessions: SessionFactsQuery,
  ) {}

  async execute(request: AnalyticsExplainRequest): Promise<AnalyticsExplanation> {
    const { scope, metric, currency } = explainQueryOf(request);
    const after = decodeCursor(request.cursor);
    const limit = pageSize(request.limit);
    return this.reader.read(async (manager) => {
      const [groups] = await this.figures.figuresOf(manager, scope, [scope.span], {
        revenue: isRevenueMetric(metric),
      });
      const rows = await this.sessions.explainedPage(manager, scope, metric, currency, after, limit);
      const page = toPage(
        rows,
        limit,
        (row) => ({ at: row.cursor_at, id: row.session_id }),
        (row) => ({
          sessionId: row.session_id,
          kind: row.kind,
          endedAt: row.ended_at.toISOString(),
          value: sessionValueOf(metric, row.value),
        }),
      );
      return {
        metric,
        from: new Date(scope.span.start).toISOString(),
        to: new Date(scope.span.end).toISOString(),
        currency,
        value: metricOf(groups.get(WHOLE) ?? noFigures(), metric, currency),
        ...page,
      };
    });
  }
}
