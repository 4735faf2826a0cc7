import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAGE_SIZE, StrictInt, type Page } from '../common/pagination';
import type { DecimalString } from '../common/decimal-string';
import { SessionKinds, type SessionKind } from '../sessions/session-kinds';

/** RPC patterns the analytics service answers: read-only queries over finalized sessions and their billing. */
export const AnalyticsRpc = {
  summary: 'analytics.summary.v1',
  timeseries: 'analytics.timeseries.v1',
  explain: 'analytics.explain.v1',
  sessions: 'analytics.sessions.v1',
  status: 'analytics.status.v1',
  rebuild: 'analytics.rebuild.v1',
  verify: 'analytics.verify.v2',
  verifyRun: 'analytics.verify-run.v1',
} as const;

/** The figures analytics derives. Counts are integers; the others exact decimals as strings. */
export const AnalyticsMetrics = [
  'rides',
  'charges',
  'energyConsumedWh',
  'energyChargedWh',
  'distanceM',
  'durationS',
  'pricedSessions',
  'unpricedSessions',
  'revenueExclVat',
  'vat',
  'revenueInclVat',
] as const;
export type AnalyticsMetric = (typeof AnalyticsMetrics)[number];

/** The metrics that are money: a series or an explanation of one names its currency. */
export const RevenueMetrics = ['revenueExclVat', 'vat', 'revenueInclVat'] as const satisfies readonly AnalyticsMetric[];

export const AnalyticsWindows = ['HOUR', 'DAY', 'WEEK', 'MONTH'] as const;
export type AnalyticsWindow = (typeof AnalyticsWindows)[number];

export const AnalyticsGroupings = ['vehicle', 'station', 'rider', 'kind'] as const;
export type AnalyticsGrouping = (typeof AnalyticsGroupings)[number];

/** A series never has more windows than this; a longer one is refused, naming the parameter. */
export const MAX_ANALYTICS_WINDOWS = 10_000;

/**
 * A grouped series never has more items (groups × windows) than this: two years of months for 500
 * stations fit; a daily series of every vehicle does not, and is refused, naming groupBy.
 */
export const MAX_GROUPED_SERIES_ITEMS = 50_000;

const CURRENCY = /^[A-Z]{3}$/;

/**
 * The finalized sessions whose `endedAt` lies in the half-open range [from, to), optionally of one
 * kind: the query of one vehicle's, station's or rider's summary, whose subject the caller names apart.
 */
export class AnalyticsPeriod {
  @IsISO8601({ strict: true })
  from!: string;

  @IsISO8601({ strict: true })
  to!: string;

  @IsOptional()
  @IsIn(SessionKinds)
  kind?: SessionKind;
}

/** Which finalized sessions a figure covers: those of the period, optionally of one vehicle, station or rider. */
export class AnalyticsFilter extends AnalyticsPeriod {
  @IsOptional()
  @IsUUID()
  vehicleId?: string;

  @IsOptional()
  @IsUUID()
  stationId?: string;

  @IsOptional()
  @IsUUID()
  riderId?: string;
}

/** The filter of an answer given in cursor pages (`limit`, `cursor`, as every list of the API). */
export class AnalyticsPageRequest extends AnalyticsFilter {
  @IsOptional()
  @StrictInt()
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

/** A summary of the filtered sessions; with `groupBy`, one summary per group, in cursor pages. */
export class AnalyticsSummaryRequest extends AnalyticsPageRequest {
  @IsOptional()
  @IsIn(AnalyticsGroupings)
  groupBy?: AnalyticsGrouping;
}

/** One metric per window of the IANA zone `tz` (default UTC). */
export class AnalyticsTimeseriesRequest extends AnalyticsFilter {
  @IsIn(AnalyticsMetrics)
  metric!: AnalyticsMetric;

  @IsIn(AnalyticsWindows)
  window!: AnalyticsWindow;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  tz?: string;

  /** Required for a revenue metric. */
  @IsOptional()
  @Matches(CURRENCY)
  currency?: string;

  @IsOptional()
  @IsIn(AnalyticsGroupings)
  groupBy?: AnalyticsGrouping;
}

/** The sessions that sum to one metric over the filtered range, each with its value, in cursor pages. */
export class AnalyticsExplainRequest extends AnalyticsPageRequest {
  @IsIn(AnalyticsMetrics)
  metric!: AnalyticsMetric;

  /** Required for a revenue metric. */
  @IsOptional()
  @Matches(CURRENCY)
  currency?: string;
}

/** One page of the export: the filtered finalized sessions joined with their billing, oldest end first. */
export class AnalyticsSessionsRequest extends AnalyticsPageRequest {}

export interface RevenueFigures {
  currency: string;
  exclVat: DecimalString;
  vat: DecimalString;
  inclVat: DecimalString;
}

/** The figures of the filtered sessions. Averages: 3 decimals half to even, money 2, durations whole seconds. */
export interface AnalyticsSummary {
  from: string;
  to: string;
  rides: number;
  charges: number;
  energyConsumedWh: DecimalString;
  energyChargedWh: DecimalString;
  distanceM: DecimalString;
  durationS: number;
  pricedSessions: number;
  unpricedSessions: number;
  revenue: RevenueFigures[];
  averages: {
    energyPerRideWh: DecimalString | null;
    energyPerChargeWh: DecimalString | null;
    durationS: number | null;
    distanceM: DecimalString | null;
    revenuePerSession: { currency: string; inclVat: DecimalString }[];
  };
}

export interface AnalyticsGroup {
  by: AnalyticsGrouping;
  id: string;
}

export type GroupedAnalyticsSummary = Page<AnalyticsSummary & { group: AnalyticsGroup }>;

/** A metric's value: an integer for counts and seconds, an exact decimal string otherwise. */
export type AnalyticsValue = number | DecimalString;

export interface AnalyticsTimeseries {
  metric: AnalyticsMetric;
  window: AnalyticsWindow;
  tz: string;
  currency: string | null;
  items: { start: string; end: string; value: AnalyticsValue; group?: AnalyticsGroup }[];
}

export interface AnalyticsExplanation extends Page<{
  sessionId: string;
  kind: SessionKind;
  endedAt: string;
  value: AnalyticsValue;
}> {
  metric: AnalyticsMetric;
  from: string;
  to: string;
  currency: string | null;
  /** The figure, equal to what summary and timeseries report for the same range and filters. */
  value: AnalyticsValue;
}

/** One exported row: a finalized session and its newest billing (null fields while unpriced). */
export interface AnalyticsSessionRow {
  sessionId: string;
  kind: SessionKind;
  vehicleId: string;
  riderId: string | null;
  stationId: string | null;
  startedAt: string;
  endedAt: string;
  durationS: number;
  energyWh: DecimalString;
  distanceM: DecimalString;
  billingStatus: 'PRICED' | 'UNPRICED' | null;
  billingRevision: number | null;
  currency: string | null;
  totalExclVat: DecimalString | null;
  totalVat: DecimalString | null;
  totalInclVat: DecimalString | null;
}

export interface AnalyticsRebuildProgress {
  state: 'IDLE' | 'REBUILDING';
  startedAt: string | null;
  sessionsRead: number;
  billingRecordsRead: number;
  finishedAt: string | null;
}

export interface AnalyticsStatus {
  /** The `occurredAt` of the newest event applied, and when it was applied. */
  lastEventOccurredAt: string | null;
  lastAppliedAt: string | null;
  /** Events waiting in the analytics queue; null when the broker cannot be asked. */
  pendingEvents: number | null;
  /**
   * How far behind the projection is, in seconds: 0 when no event waits, else the time since the
   * newest applied event occurred (it grows while the consumer is stopped); null when unknown.
   */
  lagS: number | null;
  sessions: number;
  rebuild: AnalyticsRebuildProgress;
}

export interface AnalyticsDifference {
  what: string;
  expected: AnalyticsValue;
  found: AnalyticsValue;
}

export interface AnalyticsVerifyReport {
  checkedBuckets: number;
  sessions: number;
  upstream: { finalizedSessions: number; billingRecords: number };
  differences: AnalyticsDifference[];
}

export const AnalyticsVerifyStatuses = ['RUNNING', 'DONE', 'FAILED'] as const;
export type AnalyticsVerifyStatus = (typeof AnalyticsVerifyStatuses)[number];

/** A verification, run in the background: its report once DONE, the reason once FAILED. */
export interface AnalyticsVerifyRun {
  id: string;
  status: AnalyticsVerifyStatus;
  startedAt: string;
  finishedAt: string | null;
  report: AnalyticsVerifyReport | null;
  error: string | null;
}

/** Asks for one verification by the id its start answered. */
export class AnalyticsVerifyRunRequest {
  @IsUUID()
  id!: string;
}
