import { Injectable } from '@nestjs/common';
import {
  MAX_GROUPED_SERIES_ITEMS,
  type AnalyticsTimeseries,
  type AnalyticsTimeseriesRequest,
} from '@chargeflow/contracts';
import { AnalyticsQueryInvalidError } from '../domain/analytics-query.errors';
import { metricOf, noFigures, rankGroups } from '../domain/figures';
import { isRevenueMetric, seriesQueryOf } from '../domain/query-scope';
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
    const revenue = isRevenueMetric(query.metric);
    const perWindow = await this.reader.read((manager) =>
      this.figures.figuresOf(manager, query.scope, query.windows, { revenue }),
    );
    const bounds = query.windows.map((window) => ({
      start: new Date(window.start).toISOString(),
      end: new Date(window.end).toISOString(),
    }));
    // An empty window's value is the same for every group: computed once, not per item.
    const empty = metricOf(noFigures(), query.metric, query.currency);
    const valueOf = (w: number, groupId: string) => {
      const figures = perWindow[w].get(groupId);
      return figures ? metricOf(figures, query.metric, query.currency) : empty;
    };
    const itemsOf = (groupId: string) =>
      bounds.map(({ start, end }, w) => ({ start, end, value: valueOf(w, groupId) }));
    const by = query.scope.groupBy;
    const groups = by ? rankGroups(perWindow) : [];
    if (groups.length * bounds.length > MAX_GROUPED_SERIES_ITEMS) {
      // Grouped items are groups × windows: bounded, so a daily series of every vehicle is refused.
      throw new AnalyticsQueryInvalidError([
        {
          field: 'groupBy',
          message: `${groups.length} groups × ${bounds.length} windows is more than ${MAX_GROUPED_SERIES_ITEMS} items; filter, or choose a longer window or a shorter range`,
        },
      ]);
    }
    return {
      metric: query.metric,
      window: query.window,
      tz: query.tz,
      currency: query.currency,
      items: by
        ? groups.flatMap((group) => {
            const groupOf = { by, id: group.id };
            return bounds.map(({ start, end }, w) => ({ start, end, value: valueOf(w, group.id), group: groupOf }));
          })
        : itemsOf(WHOLE),
    };
  }
}
