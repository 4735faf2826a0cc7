import { Injectable } from '@nestjs/common';
import {
  MAX_GROUPED_SERIES_ITEMS,
  type AnalyticsTimeseries,
  type AnalyticsValue,
  type AnalyticsTimeseriesRequest,
} from '@chargeflow/contracts';
import { AnalyticsQueryInvalidError } from '../domain/analytics-query.errors';
import { metricOf, noFigures } from '../domain/figures';
import { seriesQueryOf } from '../domain/query-scope';
import { ProjectionReader } from '../infrastructure/projection-reader';
import { RollupFiguresQuery } from '../infrastructure/rollup-figures.query';

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
    // An empty window's value is the same for every group: computed once, not per item.
    const empty = metricOf(noFigures(), query.metric, query.currency);
    const series = await this.reader.read((manager) =>
      this.figures.seriesOf(manager, query.scope, query.windows, query.metric, query.currency, empty),
    );
    const bounds = query.windows.map((window) => ({
      start: new Date(window.start).toISOString(),
      end: new Date(window.end).toISOString(),
    }));
    const answer = { metric: query.metric, window: query.window, tz: query.tz, currency: query.currency };
    const by = query.scope.groupBy;
    if (!by) {
      const values = series[0]?.values() ?? new Array<AnalyticsValue>(bounds.length).fill(empty);
      return { ...answer, items: bounds.map(({ start, end }, w) => ({ start, end, value: values[w] })) };
    }
    if (series.length * bounds.length > MAX_GROUPED_SERIES_ITEMS) {
      // Grouped items are groups × windows: bounded, so a daily series of every vehicle is refused.
      throw new AnalyticsQueryInvalidError([
        {
          field: 'groupBy',
          message: `${series.length} groups × ${bounds.length} windows is more than ${MAX_GROUPED_SERIES_ITEMS} items; filter, or choose a longer window or a shorter range`,
        },
      ]);
    }
    // Thousands of items: written into one array of their number, not concatenated per group.
    const items = new Array<AnalyticsTimeseries['items'][number]>(series.length * bounds.length);
    let next = 0;
    for (const row of series) {
      const [group, values] = [{ by, id: row.id }, row.values()];
      for (let w = 0; w < bounds.length; w += 1) {
        items[next] = { start: bounds[w].start, end: bounds[w].end, value: values[w], group };
        next += 1;
      }
    }
    return { ...answer, items };
  }
}
