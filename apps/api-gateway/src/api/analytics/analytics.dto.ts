import type { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import {
  AnalyticsExplainRequest,
  AnalyticsGroupings,
  AnalyticsMetrics,
  AnalyticsPeriod,
  AnalyticsSessionsRequest,
  AnalyticsSummaryRequest,
  AnalyticsTimeseriesRequest,
  AnalyticsVerifyStatuses,
  AnalyticsWindows,
  BillingStatuses,
  MAX_ANALYTICS_WINDOWS,
  SessionKinds,
  type AnalyticsFilter,
  type AnalyticsGrouping,
  type AnalyticsMetric,
  type AnalyticsWindow,
  type SessionKind,
} from '@chargeflow/contracts';
import { EXAMPLE, nullable, PageQueryOf, pageOf, uuid } from '../openapi-helpers';

const METRIC: ApiPropertyOptions = {
  enum: AnalyticsMetrics,
  example: 'energyChargedWh',
  description: [
    'Counts (integers): `rides`, `charges`, `pricedSessions`, `unpricedSessions`, `durationS` (whole seconds).',
    'Exact decimals (strings): `energyConsumedWh` (rides), `energyChargedWh` (charges), `distanceM`,',
    'and the money metrics `revenueExclVat`, `vat`, `revenueInclVat`, which need `currency`.',
  ].join(' '),
};

const CURRENCY: ApiPropertyOptions = {
  type: String,
  pattern: '^[A-Z]{3}$',
  description: 'ISO 4217; required for a money metric.',
  example: 'EUR',
};

const GROUP_BY: ApiPropertyOptions = {
  enum: AnalyticsGroupings,
  description: 'One result per group, groups ordered by energyConsumedWh + energyChargedWh, highest first.',
  example: 'station',
};

/** A decimal that is exact: a string, never a binary float. */
const decimal = (example: string, description?: string): ApiPropertyOptions => ({
  type: String,
  pattern: '^-?\\d+(\\.\\d+)?$',
  example,
  description,
});

/** A metric's value: an integer for counts and seconds, an exact decimal string otherwise. */
const VALUE: ApiPropertyOptions = {
  oneOf: [{ type: 'integer' }, { type: 'string', pattern: '^-?\\d+(\\.\\d+)?$' }],
  description: 'An integer for counts and seconds, an exact decimal string otherwise.',
  example: '22500.000',
};

/** `request` with `from`, `to` and `kind` documented: sessions that ended in [from, to). */
function PeriodQueryOf<T extends Type<AnalyticsPeriod>>(request: T) {
  class PeriodQuery extends request {
    @ApiProperty({
      type: String,
      format: 'date-time',
      description: 'Sessions that ended at or after.',
      example: '2026-11-01T00:00:00Z',
    })
    declare from: string;

    @ApiProperty({
      type: String,
      format: 'date-time',
      description: 'Sessions that ended before; after `from`.',
      example: '2026-12-01T00:00:00Z',
    })
    declare to: string;

    @ApiPropertyOptional({ enum: SessionKinds, example: 'CHARGING' })
    declare kind?: SessionKind;
  }
  return PeriodQuery;
}

/** `request` with every filter documented: the period, and one vehicle, station or rider. */
function FilterQueryOf<T extends Type<AnalyticsFilter>>(request: T) {
  class FilterQuery extends PeriodQueryOf(request) {
    @ApiPropertyOptional(uuid(EXAMPLE.vehicleId))
    declare vehicleId?: string;

    @ApiPropertyOptional(uuid(EXAMPLE.stationId))
    declare stationId?: string;

    @ApiPropertyOptional(uuid(EXAMPLE.riderId))
    declare riderId?: string;
  }
  return FilterQuery;
}

/** The period of one vehicle's, station's or rider's summary; the path names which. */
export class AnalyticsPeriodQuery extends PeriodQueryOf(AnalyticsPeriod) {}

export class AnalyticsSummaryQuery extends PageQueryOf(FilterQueryOf(AnalyticsSummaryRequest)) {
  @ApiPropertyOptional({ ...GROUP_BY, description: `${GROUP_BY.description} In cursor pages.` })
  declare groupBy?: AnalyticsGrouping;
}

export class AnalyticsTimeseriesQuery extends FilterQueryOf(AnalyticsTimeseriesRequest) {
  @ApiProperty(METRIC)
  declare metric: AnalyticsMetric;

  @ApiProperty({
    enum: AnalyticsWindows,
    description: `Windows start on the local boundaries of \`tz\`; at most ${MAX_ANALYTICS_WINDOWS} windows.`,
    example: 'DAY',
  })
  declare window: AnalyticsWindow;

  @ApiPropertyOptional({
    type: String,
    maxLength: 64,
    description: 'An IANA time zone.',
    default: 'UTC',
    example: 'Europe/Berlin',
  })
  declare tz?: string;

  @ApiPropertyOptional(CURRENCY)
  declare currency?: string;

  @ApiPropertyOptional(GROUP_BY)
  declare groupBy?: AnalyticsGrouping;
}

export class AnalyticsExplainQuery extends PageQueryOf(FilterQueryOf(AnalyticsExplainRequest)) {
  @ApiProperty(METRIC)
  declare metric: AnalyticsMetric;

  @ApiPropertyOptional(CURRENCY)
  declare currency?: string;
}

export class AnalyticsSessionsQuery extends PageQueryOf(FilterQueryOf(AnalyticsSessionsRequest)) {}

export class RevenueFiguresDocument {
  @ApiProperty({ example: 'EUR' })
  currency!: string;

  @ApiProperty(decimal('3.40'))
  exclVat!: string;

  @ApiProperty(decimal('0.65'))
  vat!: string;

  @ApiProperty(decimal('4.05'))
  inclVat!: string;
}

export class RevenuePerSessionDocument {
  @ApiProperty({ example: 'EUR' })
  currency!: string;

  @ApiProperty(decimal('1.35'))
  inclVat!: string;
}

export class AnalyticsAveragesDocument {
  @ApiProperty(nullable(decimal('412.500', 'Null without rides.')))
  energyPerRideWh!: string | null;

  @ApiProperty(nullable(decimal('22500.000', 'Null without charges.')))
  energyPerChargeWh!: string | null;

  @ApiProperty(nullable({ type: Number, description: 'Whole seconds.', example: 2700 }))
  durationS!: number | null;

  @ApiProperty(nullable(decimal('3250.000')))
  distanceM!: string | null;

  @ApiProperty({ type: [RevenuePerSessionDocument], example: [{ currency: 'EUR', inclVat: '1.35' }] })
  revenuePerSession!: RevenuePerSessionDocument[];
}

export class AnalyticsSummaryDocument {
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-01T00:00:00.000Z' })
  from!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-12-01T00:00:00.000Z' })
  to!: string;

  @ApiProperty({ example: 2 })
  rides!: number;

  @ApiProperty({ example: 1 })
  charges!: number;

  @ApiProperty(decimal('825.000'))
  energyConsumedWh!: string;

  @ApiProperty(decimal('22500.000'))
  energyChargedWh!: string;

  @ApiProperty(decimal('6500.000'))
  distanceM!: string;

  @ApiProperty({ description: 'Whole seconds.', example: 8100 })
  durationS!: number;

  @ApiProperty({ example: 3 })
  pricedSessions!: number;

  @ApiProperty({ example: 0 })
  unpricedSessions!: number;

  @ApiProperty({ type: [RevenueFiguresDocument], description: 'One entry per currency.' })
  revenue!: RevenueFiguresDocument[];

  @ApiProperty({
    type: AnalyticsAveragesDocument,
    description: 'Exact decimals rounded to 3 places half to even, money to 2, durations to whole seconds.',
  })
  averages!: AnalyticsAveragesDocument;
}

export class AnalyticsGroupDocument {
  @ApiProperty({ enum: AnalyticsGroupings, example: 'station' })
  by!: string;

  @ApiProperty({ description: 'The vehicle, station or rider id, or the kind.', example: EXAMPLE.stationId })
  id!: string;
}

export class GroupedAnalyticsSummaryDocument extends AnalyticsSummaryDocument {
  @ApiProperty({ type: AnalyticsGroupDocument })
  group!: AnalyticsGroupDocument;
}

export const GroupedAnalyticsSummaryPageDocument = pageOf(
  GroupedAnalyticsSummaryDocument,
  'GroupedAnalyticsSummaryPage',
);

export class AnalyticsWindowDocument {
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-21T23:00:00.000Z' })
  start!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-22T23:00:00.000Z' })
  end!: string;

  @ApiProperty(VALUE)
  value!: number | string;

  @ApiPropertyOptional({ type: AnalyticsGroupDocument, description: 'With `groupBy` only.' })
  group?: AnalyticsGroupDocument;
}

export class AnalyticsTimeseriesDocument {
  @ApiProperty({ enum: AnalyticsMetrics, example: 'energyChargedWh' })
  metric!: string;

  @ApiProperty({ enum: AnalyticsWindows, example: 'DAY' })
  window!: string;

  @ApiProperty({ example: 'Europe/Berlin' })
  tz!: string;

  @ApiProperty(nullable({ type: String, example: null }))
  currency!: string | null;

  @ApiProperty({ type: [AnalyticsWindowDocument], description: 'Every window of the range, empty ones with zero.' })
  items!: AnalyticsWindowDocument[];
}

export class ExplainedSessionDocument {
  @ApiProperty(uuid(EXAMPLE.sessionId))
  sessionId!: string;

  @ApiProperty({ enum: SessionKinds, example: 'CHARGING' })
  kind!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-22T20:00:00.000Z' })
  endedAt!: string;

  @ApiProperty(VALUE)
  value!: number | string;
}

export class AnalyticsExplanationDocument {
  @ApiProperty({ enum: AnalyticsMetrics, example: 'energyChargedWh' })
  metric!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-01T00:00:00.000Z' })
  from!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-12-01T00:00:00.000Z' })
  to!: string;

  @ApiProperty(nullable({ type: String, example: null }))
  currency!: string | null;

  @ApiProperty({ ...VALUE, description: 'The figure: what summary and timeseries report for the same filters.' })
  value!: number | string;

  @ApiProperty({ type: [ExplainedSessionDocument], description: 'The sessions whose values sum to the figure.' })
  items!: ExplainedSessionDocument[];

  @ApiProperty(
    nullable({ type: String, description: 'Pass as `cursor` for the next page; null on the last.', example: null }),
  )
  nextCursor!: string | null;
}

/** One exported session; the CSV columns are these fields in this order. */
export class AnalyticsSessionRowDocument {
  @ApiProperty(uuid(EXAMPLE.sessionId))
  sessionId!: string;

  @ApiProperty({ enum: SessionKinds, example: 'CHARGING' })
  kind!: string;

  @ApiProperty(uuid(EXAMPLE.vehicleId))
  vehicleId!: string;

  @ApiProperty(nullable({ type: String, format: 'uuid', example: null }))
  riderId!: string | null;

  @ApiProperty(nullable({ type: String, format: 'uuid', example: EXAMPLE.stationId }))
  stationId!: string | null;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-22T18:30:00.000Z' })
  startedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-22T20:00:00.000Z' })
  endedAt!: string;

  @ApiProperty({ example: 5400 })
  durationS!: number;

  @ApiProperty(decimal('22500.000'))
  energyWh!: string;

  @ApiProperty(decimal('0.000'))
  distanceM!: string;

  @ApiProperty(nullable({ enum: BillingStatuses, description: 'Null until billing arrives.', example: 'PRICED' }))
  billingStatus!: string | null;

  @ApiProperty(nullable({ type: Number, description: 'The newest billing revision applied.', example: 1 }))
  billingRevision!: number | null;

  @ApiProperty(nullable({ type: String, example: 'EUR' }))
  currency!: string | null;

  @ApiProperty(nullable(decimal('7.88')))
  totalExclVat!: string | null;

  @ApiProperty(nullable(decimal('1.50')))
  totalVat!: string | null;

  @ApiProperty(nullable(decimal('9.38')))
  totalInclVat!: string | null;
}

export const AnalyticsSessionRowPageDocument = pageOf(AnalyticsSessionRowDocument, 'AnalyticsSessionRowPage');

export class AnalyticsRebuildProgressDocument {
  @ApiProperty({ enum: ['IDLE', 'REBUILDING'], example: 'REBUILDING' })
  state!: string;

  @ApiProperty(nullable({ type: String, format: 'date-time', example: EXAMPLE.instant }))
  startedAt!: string | null;

  @ApiProperty({ example: 120000 })
  sessionsRead!: number;

  @ApiProperty({ example: 118500 })
  billingRecordsRead!: number;

  @ApiProperty(nullable({ type: String, format: 'date-time', example: null }))
  finishedAt!: string | null;
}

export class AnalyticsStatusDocument {
  @ApiProperty(
    nullable({
      type: String,
      format: 'date-time',
      description: 'When the newest event applied occurred.',
      example: EXAMPLE.instant,
    }),
  )
  lastEventOccurredAt!: string | null;

  @ApiProperty(
    nullable({
      type: String,
      format: 'date-time',
      description: 'When it was applied.',
      example: '2026-11-22T08:30:00.250Z',
    }),
  )
  lastAppliedAt!: string | null;

  @ApiProperty(
    nullable({
      type: Number,
      description: 'Events waiting in the analytics queue; null when the broker cannot be asked.',
      example: 0,
    }),
  )
  pendingEvents!: number | null;

  @ApiProperty(
    nullable({
      type: Number,
      description:
        'How far behind the projection is, in seconds: 0 when no event waits, else the time since the newest applied event occurred (it grows while the consumer is stopped); null when unknown.',
      example: 0,
    }),
  )
  lagS!: number | null;

  @ApiProperty({ description: 'Finalized sessions in the projection.', example: 1250 })
  sessions!: number;

  @ApiProperty({ type: AnalyticsRebuildProgressDocument })
  rebuild!: AnalyticsRebuildProgressDocument;
}

export class AnalyticsUpstreamCountsDocument {
  @ApiProperty({ example: 1250 })
  finalizedSessions!: number;

  @ApiProperty({ example: 1250 })
  billingRecords!: number;
}

export class AnalyticsDifferenceDocument {
  @ApiProperty({ example: 'DAY 2026-11-22 STATION 5c2a9e7f energyChargedWh' })
  what!: string;

  @ApiProperty(VALUE)
  expected!: number | string;

  @ApiProperty(VALUE)
  found!: number | string;
}

export class AnalyticsVerifyReportDocument {
  @ApiProperty({ example: 4800 })
  checkedBuckets!: number;

  @ApiProperty({ example: 1250 })
  sessions!: number;

  @ApiProperty({ type: AnalyticsUpstreamCountsDocument })
  upstream!: AnalyticsUpstreamCountsDocument;

  @ApiProperty({
    type: [AnalyticsDifferenceDocument],
    description: 'Every difference found: none when whole.',
    example: [],
  })
  differences!: AnalyticsDifferenceDocument[];
}

export class AnalyticsVerifyRunDocument {
  @ApiProperty(uuid('The verification, to ask for at GET /v1/analytics/verify/{id}.'))
  id!: string;

  @ApiProperty({
    enum: AnalyticsVerifyStatuses,
    description: 'RUNNING until the recount is done; DONE with its report, or FAILED with the reason.',
    example: 'DONE',
  })
  status!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-22T08:30:00.000Z' })
  startedAt!: string;

  @ApiProperty(nullable({ type: String, format: 'date-time', example: '2026-11-22T08:30:04.120Z' }))
  finishedAt!: string | null;

  @ApiProperty(nullable({ type: AnalyticsVerifyReportDocument, description: 'Once DONE.' }))
  report!: AnalyticsVerifyReportDocument | null;

  @ApiProperty(
    nullable({
      type: String,
      description: 'Once FAILED: why, for instance a rebuild switched the projection over meanwhile.',
      example: null,
    }),
  )
  error!: string | null;
}
