import {
  MAX_ANALYTICS_WINDOWS,
  RevenueMetrics,
  type AnalyticsExplainRequest,
  type AnalyticsFilter,
  type AnalyticsGrouping,
  type AnalyticsMetric,
  type AnalyticsSummaryRequest,
  type AnalyticsTimeseriesRequest,
  type AnalyticsWindow,
  type RpcFieldError,
  type SessionKind,
} from '@chargeflow/contracts';
import { AnalyticsQueryInvalidError } from './analytics-query.errors';
import { canonicalTimeZone, localWindows } from './local-windows';
import type { Span } from './range-decomposition';

/** The rollups' dimensions: ALL sums every session under the nil UUID, the others one entity each. */
export type Dimension = 'ALL' | 'VEHICLE' | 'STATION' | 'RIDER';

export const ALL_SESSIONS_ID = '00000000-0000-0000-0000-000000000000';

const ENTITY_FILTERS = [
  { field: 'vehicleId', dimension: 'VEHICLE', grouping: 'vehicle' },
  { field: 'stationId', dimension: 'STATION', grouping: 'station' },
  { field: 'riderId', dimension: 'RIDER', grouping: 'rider' },
] as const;

/** Which rollup rows answer a query, and how its sessions are grouped. */
export interface QueryScope {
  span: Span;
  kind: SessionKind | null;
  dimension: Dimension;
  /** The entity filtered on (the nil UUID for ALL); null when every entity of the dimension is a group. */
  dimensionId: string | null;
  groupBy: AnalyticsGrouping | null;
}

export interface SeriesQuery {
  scope: QueryScope;
  metric: AnalyticsMetric;
  currency: string | null;
  window: AnalyticsWindow;
  tz: string;
  windows: Span[];
}

export interface ExplainQuery {
  scope: QueryScope;
  metric: AnalyticsMetric;
  currency: string | null;
}

const DEFAULT_TIME_ZONE = 'UTC';

/** Longer series cost the zone's offsets over the whole span: refused past a century. */
const MAX_SERIES_SPAN_MS = 100 * 366 * 86_400_000;

export function summaryScopeOf(request: AnalyticsSummaryRequest): QueryScope {
  const errors: RpcFieldError[] = [];
  const scope = scopeOf(request, request.groupBy ?? null, errors);
  refuseIfAny(errors);
  return scope;
}

export function sessionsScopeOf(request: AnalyticsFilter): QueryScope {
  return summaryScopeOf({ ...request, groupBy: undefined });
}

export function seriesQueryOf(request: AnalyticsTimeseriesRequest): SeriesQuery {
  const errors: RpcFieldError[] = [];
  const scope = scopeOf(request, request.groupBy ?? null, errors);
  const currency = currencyOf(request.metric, request.currency, errors);
  const tz = request.tz ?? DEFAULT_TIME_ZONE;
  const zone = canonicalTimeZone(tz);
  if (!zone) errors.push({ field: 'tz', message: `${tz} is not an IANA time zone` });
  if (scope.span.end - scope.span.start > MAX_SERIES_SPAN_MS) {
    errors.push({ field: 'to', message: 'a series spans at most 100 years' });
  }
  if (!zone || errors.length > 0) throw new AnalyticsQueryInvalidError(errors);
  const windows = localWindows(scope.span, request.window, zone, MAX_ANALYTICS_WINDOWS);
  if (windows === null) {
    refuseIfAny([
      {
        field: 'window',
        message: `the range has more than ${MAX_ANALYTICS_WINDOWS} ${request.window} windows; choose a longer window or a shorter range`,
      },
    ]);
  }
  return { scope, metric: request.metric, currency, window: request.window, tz, windows: windows ?? [] };
}

export function explainQueryOf(request: AnalyticsExplainRequest): ExplainQuery {
  const errors: RpcFieldError[] = [];
  const scope = scopeOf(request, null, errors);
  const currency = currencyOf(request.metric, request.currency, errors);
  refuseIfAny(errors);
  return { scope, metric: request.metric, currency };
}

function refuseIfAny(errors: RpcFieldError[]): void {
  if (errors.length > 0) throw new AnalyticsQueryInvalidError(errors);
}

export function isRevenueMetric(metric: AnalyticsMetric): boolean {
  return (RevenueMetrics as readonly string[]).includes(metric);
}

function currencyOf(metric: AnalyticsMetric, currency: string | undefined, errors: RpcFieldError[]): string | null {
  if (isRevenueMetric(metric) && !currency) {
    errors.push({ field: 'currency', message: `is required for the revenue metric ${metric}` });
  }
  if (!isRevenueMetric(metric) && currency) {
    errors.push({ field: 'currency', message: `applies only to the revenue metrics ${RevenueMetrics.join(', ')}` });
  }
  return currency ?? null;
}

/**
 * The rollups hold one entity dimension per row, so a query filters on at most one of vehicle,
 * station and rider, and groups only by that one or by kind.
 */
function scopeOf(filter: AnalyticsFilter, groupBy: AnalyticsGrouping | null, errors: RpcFieldError[]): QueryScope {
  const span = { start: Date.parse(filter.from), end: Date.parse(filter.to) };
  if (Number.isNaN(span.start)) errors.push({ field: 'from', message: 'must be an ISO 8601 instant' });
  if (Number.isNaN(span.end)) errors.push({ field: 'to', message: 'must be an ISO 8601 instant' });
  if (!(span.start < span.end) && !Number.isNaN(span.start + span.end)) {
    errors.push({ field: 'from', message: 'must be before to' });
  }
  const filters = ENTITY_FILTERS.filter((entity) => filter[entity.field] !== undefined);
  for (const extra of filters.slice(1)) {
    errors.push({ field: extra.field, message: `cannot be combined with ${filters[0].field}; filter on one entity` });
  }
  const [filtered] = filters;
  const grouped = ENTITY_FILTERS.find((entity) => entity.grouping === groupBy);
  if (filtered && grouped && grouped !== filtered) {
    errors.push({
      field: 'groupBy',
      message: `cannot group by ${grouped.grouping} while filtering on ${filtered.field}; group by ${filtered.grouping} or kind`,
    });
  }
  const kind = filter.kind ?? null;
  if (filtered)
    return { span, kind, dimension: filtered.dimension, dimensionId: filter[filtered.field] ?? null, groupBy };
  if (grouped) return { span, kind, dimension: grouped.dimension, dimensionId: null, groupBy };
  return { span, kind, dimension: 'ALL', dimensionId: ALL_SESSIONS_ID, groupBy };
}
