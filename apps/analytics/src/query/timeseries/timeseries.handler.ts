import { Injectable } from '@nestjs/common';
import type { AnalyticsTimeseries, AnalyticsTimeseriesRequest } from '@chargeflow/contracts';
import { metricOf, noFigures, rankGroups } from '../domain/figures';
import { seriesQueryOf } from '../domain/query-scope';
import { ProjectionReader } from '../infrastructure/projection-reader';
import { RollupFiguresQuery, WHOLE } from '../infrastructure/rollup-figures.query';

/**
 * One metric per local window of the zone, empty windows included; grouped, each group's windows in
 * turn, groups most energy first. Windows are clipped to [from, to), so the items sum to the summary.
 */
@Injectable()
export class TimeseriesHandler {
  constructor(
    private readonly reader: ProjectionReader,
    private readonly figures: RollupFiguresQuery,
  ) {}

  async execute(request: AnalyticsTimeseriesRequest): Promise<AnalyticsTimeseries> {
    const query = seriesQueryOf(request);
    const perWindow = await this.reader.read((manager) => this.figures.figuresOf(manager, query.scope, query.windows));
    const bounds = query.windows.map((window) => ({
      start: new Date(window.start).toISOString(),
      end: new Date(window.end).toISOString(),
    }));
    const itemsOf = (groupId: string) =>
      bounds.map((window, w) => ({
        ...window,
        value: metricOf(perWindow[w].get(groupId) ?? noFigures(), query.metric, query.currency),
      }));
    const by = query.scope.groupBy;
    return {
      metric: query.metric,
      window: query.window,
      tz: query.tz,
      currency: query.currency,
      items: by
        ? rankGroups(perWindow).flatMap((group) =>
            itemsOf(group.id).map((item) => ({ ...item, group: { by, id: group.id } })),
          )
        : itemsOf(WHOLE),
    };
  }
}
