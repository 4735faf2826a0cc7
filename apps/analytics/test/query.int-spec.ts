import { migratedAnalyticsDatabase } from './analytics-database';
import { randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import {
  AnalyticsExplainRequest,
  AnalyticsSessionsRequest,
  AnalyticsSummaryRequest,
  AnalyticsTimeseriesRequest,
  type AnalyticsMetric,
  type AnalyticsSummary,
  type GroupedAnalyticsSummary,
  type RpcError,
} from '@chargeflow/contracts';
import { isExposableError, rpcValidationPipe } from '@chargeflow/messaging';
import { type IsolatedDatabase } from '@chargeflow/testing';
import { AnalyticsQueryTimedOutError, AnalyticsRebuildingError } from '../src/query/domain/analytics-query.errors';
import { ExplainHandler } from '../src/query/explain/explain.handler';
import { SessionsPageHandler } from '../src/query/export-sessions/sessions-page.handler';
import { ProjectionReader } from '../src/query/infrastructure/projection-reader';
import { RollupFiguresQuery } from '../src/query/infrastructure/rollup-figures.query';
import { SessionFactsQuery } from '../src/query/infrastructure/session-facts.query';
import { SummarizeHandler } from '../src/query/summarize/summarize.handler';
import { TimeseriesHandler } from '../src/query/timeseries/timeseries.handler';
import { aSession, markBuilt, priced, rollUp, seedSessions } from './query-seed';

const [V1, V2, V3, ST1, R1, R2] = Array.from({ length: 6 }, () => randomUUID());

/** Hand-placed sessions: around Berlin's spring change, Kolkata's 18:30 UTC midnight, and Berlin's autumn change. */
const S = {
  before: aSession({ vehicleId: V2, stationId: ST1 }, { endedAt: '2026-03-28T21:05:00Z', energyWh: '700' }),
  s1: aSession(
    { vehicleId: V1, riderId: R1 },
    {
      endedAt: '2026-03-28T21:10:00Z',
      energyWh: '100.5',
      distanceM: '1000.25',
      durationS: 600,
      billing: priced('EUR', '1.00', '0.19', '1.19'),
    },
  ),
  s2: aSession(
    { vehicleId: V2, stationId: ST1 },
    {
      endedAt: '2026-03-29T00:30:00Z',
      energyWh: '5000.125',
      durationS: 3600,
      billing: priced('EUR', '2.50', '0.48', '2.98'),
    },
  ),
  s3: aSession(
    { vehicleId: V1, riderId: R2 },
    {
      endedAt: '2026-03-29T18:20:00Z',
      energyWh: '50',
      distanceM: '300',
      durationS: 420,
      billing: { status: 'UNPRICED' },
    },
  ),
  s4: aSession(
    { vehicleId: V2, riderId: R1 },
    { endedAt: '2026-03-29T18:40:00Z', energyWh: '75.25', distanceM: '500', durationS: 300 },
  ),
  s5: aSession(
    { vehicleId: V1, stationId: ST1 },
    {
      endedAt: '2026-03-29T22:30:00Z',
      energyWh: '2500',
      durationS: 1800,
      billing: priced('USD', '3.00', '0.57', '3.57'),
    },
  ),
  s6: aSession(
    { vehicleId: V2, riderId: R2 },
    {
      endedAt: '2026-03-31T05:50:00Z',
      energyWh: '10.001',
      distanceM: '20',
      durationS: 61,
      billing: priced('EUR', '0.10', '0.02', '0.12'),
    },
  ),
  after: aSession({ vehicleId: V1, riderId: R1 }, { endedAt: '2026-03-31T05:55:00Z' }),
  autumnCharge: aSession({ vehicleId: V1, stationId: ST1 }, { endedAt: '2026-10-25T00:30:00Z' }),
  autumnRide: aSession({ vehicleId: V2, riderId: R1 }, { endedAt: '2026-10-25T22:45:00Z' }),
};

/** Off the 15-minute grid at both ends: the edges are summed from sessions, the rest from rollups. */
const RANGE = { from: '2026-03-28T21:07:00.000Z', to: '2026-03-31T05:52:30.000Z' };

describe('analytics queries on real PostgreSQL', () => {
  let database: IsolatedDatabase;
  let dataSource: DataSource;
  let summarize: SummarizeHandler;
  let timeseries: TimeseriesHandler;
  let explain: ExplainHandler;
  let sessionsPage: SessionsPageHandler;

  beforeAll(async () => {
    ({ database, dataSource } = await migratedAnalyticsDatabase('analytics-query'));
    await seedSessions(dataSource, Object.values(S));
    await rollUp(dataSource);
    // A rollup row left at zero (a session moved out of its bucket) is no group of its own.
    await dataSource.query(
      `INSERT INTO projection.rollup VALUES ('MONTH', 'VEHICLE', $1, 'RIDE', '2026-03-01T00:00:00Z', 0, 0, 0, 0, 0)`,
      [V3],
    );
    // And so is a packed row of its year left at zero, which monthly series by vehicle read.
    await dataSource.query(
      `INSERT INTO projection.rollup_months SELECT 'VEHICLE', $1, 'RIDE', 2026, z, z, z, z, z, z, z
         FROM (SELECT array_fill(0, ARRAY[12]) AS z) zero
       ON CONFLICT DO NOTHING`,
      [V3],
    );
    await markBuilt(dataSource, new Date());
    const reader = new ProjectionReader(dataSource);
    const figures = new RollupFiguresQuery();
    const facts = new SessionFactsQuery();
    summarize = new SummarizeHandler(reader, figures);
    timeseries = new TimeseriesHandler(reader, figures);
    explain = new ExplainHandler(reader, figures, facts);
    sessionsPage = new SessionsPageHandler(reader, facts);
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  const summaryOf = async (request: Parameters<SummarizeHandler['execute']>[0]) =>
    (await summarize.execute(request)) as AnalyticsSummary;
  const groupedOf = async (request: Parameters<SummarizeHandler['execute']>[0]) =>
    (await summarize.execute(request)) as GroupedAnalyticsSummary;
  const valuesOf = async (request: AnalyticsTimeseriesRequest) =>
    (await timeseries.execute(request)).items.map((item) => [item.start, item.value]);

  async function explainedWhole(request: AnalyticsExplainRequest) {
    const first = await explain.execute({ ...request, limit: 2 });
    let [cursor, total] = [first.nextCursor, first.items.reduce((sum, item) => sum.plus(item.value), new Decimal(0))];
    while (cursor) {
      const page = await explain.execute({ ...request, limit: 2, cursor });
      total = page.items.reduce((sum, item) => sum.plus(item.value), total);
      cursor = page.nextCursor;
    }
    return { figure: first.value, sumOfSessions: total };
  }

  it('sums the range exactly: rollups for whole buckets, sessions for the partial edges', async () => {
    expect(await summaryOf(RANGE)).toEqual({
      ...RANGE,
      rides: 4,
      charges: 2,
      energyConsumedWh: '235.751',
      energyChargedWh: '7500.125',
      distanceM: '1820.25',
      durationS: 6781,
      pricedSessions: 4,
      unpricedSessions: 2,
      revenue: [
        { currency: 'EUR', exclVat: '3.60', vat: '0.69', inclVat: '4.29' },
        { currency: 'USD', exclVat: '3.00', vat: '0.57', inclVat: '3.57' },
      ],
      averages: {
        energyPerRideWh: '58.938',
        energyPerChargeWh: '3750.062',
        durationS: 1130,
        distanceM: '303.375',
        revenuePerSession: [
          { currency: 'EUR', inclVat: '1.43' },
          { currency: 'USD', inclVat: '3.57' },
        ],
      },
    });
  });

  it('reads whole buckets from the rollups, never from the sessions', async () => {
    const march = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };
    const before = await summaryOf(march);
    await dataSource.query(
      `UPDATE projection.rollup SET sessions = sessions + 1000 WHERE level = 'MONTH' AND dim = 'ALL' AND kind = 'RIDE'`,
    );
    try {
      expect((await summaryOf(march)).rides).toBe(before.rides + 1000);
    } finally {
      await dataSource.query(
        `UPDATE projection.rollup SET sessions = sessions - 1000 WHERE level = 'MONTH' AND dim = 'ALL' AND kind = 'RIDE'`,
      );
    }
  });

  it.each<[AnalyticsMetric, string | undefined]>([
    ['energyConsumedWh', undefined],
    ['energyChargedWh', undefined],
    ['distanceM', undefined],
    ['durationS', undefined],
    ['unpricedSessions', undefined],
    ['rides', undefined],
    ['revenueInclVat', 'EUR'],
    ['vat', 'USD'],
  ])('gives %s the same figure in summary, explain and the sum of a series', async (metric, currency) => {
    const summary = await summaryOf(RANGE);
    const explained = await explainedWhole({ ...RANGE, metric, currency });
    const revenue = summary.revenue.find((figures) => figures.currency === currency);
    const summaryFigure = currency
      ? { revenueInclVat: revenue?.inclVat, vat: revenue?.vat }[metric as 'vat']
      : summary[metric as keyof AnalyticsSummary];
    expect(explained.figure).toEqual(summaryFigure);
    expect(explained.sumOfSessions.equals(explained.figure)).toBe(true);
    for (const tz of ['Asia/Kolkata', 'Europe/Berlin', 'Asia/Kathmandu']) {
      const series = await timeseries.execute({ ...RANGE, metric, currency, window: 'HOUR', tz });
      const sum = series.items.reduce((total, item) => total.plus(item.value), new Decimal(0));
      expect(sum.equals(explained.figure)).toBe(true);
    }
  });

  const summaryFigure = (summary: AnalyticsSummary, metric: AnalyticsMetric, currency?: string) => {
    const revenue = summary.revenue.find((figures) => figures.currency === currency);
    const money = { revenueExclVat: revenue?.exclVat, vat: revenue?.vat, revenueInclVat: revenue?.inclVat };
    if (metric in money) return money[metric as keyof typeof money] ?? '0.00';
    if (metric === 'pricedSessions' || metric === 'unpricedSessions') return summary[metric];
    return summary[metric as keyof AnalyticsSummary];
  };

  it.each<[AnalyticsMetric, string | undefined]>([
    ['rides', undefined],
    ['charges', undefined],
    ['energyConsumedWh', undefined],
    ['energyChargedWh', undefined],
    ['distanceM', undefined],
    ['durationS', undefined],
    ['pricedSessions', undefined],
    ['unpricedSessions', undefined],
    ['revenueExclVat', 'EUR'],
    ['vat', 'USD'],
    ['revenueInclVat', 'EUR'],
  ])(
    'writes every %s item of a series, grouped or not, as the summary of its window writes it',
    async (metric, currency) => {
      const request = { ...RANGE, metric, currency, window: 'DAY' as const, tz: 'Europe/Berlin' };
      const whole = await timeseries.execute(request);
      const byVehicle = await timeseries.execute({ ...request, groupBy: 'vehicle' });
      expect(byVehicle.items.length).toBeGreaterThan(whole.items.length);
      for (const item of [...whole.items, ...byVehicle.items]) {
        const summary = await summaryOf({ from: item.start, to: item.end, vehicleId: item.group?.id });
        expect([item.start, item.group?.id, item.value]).toEqual([
          item.start,
          item.group?.id,
          summaryFigure(summary, metric, currency),
        ]);
      }
    },
  );

  it('places sessions in Berlin days of 24, 23 and 25 hours by their end', async () => {
    expect(
      await valuesOf({
        from: '2026-03-27T23:00:00Z',
        to: '2026-03-31T22:00:00Z',
        metric: 'energyChargedWh',
        window: 'DAY',
        tz: 'Europe/Berlin',
      }),
    ).toEqual([
      ['2026-03-27T23:00:00.000Z', '700'],
      ['2026-03-28T23:00:00.000Z', '5000.125'],
      ['2026-03-29T22:00:00.000Z', '2500'],
      ['2026-03-30T22:00:00.000Z', '0'],
    ]);
    const autumn = await valuesOf({
      from: '2026-10-24T22:00:00Z',
      to: '2026-10-26T23:00:00Z',
      metric: 'rides',
      window: 'DAY',
      tz: 'Europe/Berlin',
    });
    expect(autumn).toEqual([
      ['2026-10-24T22:00:00.000Z', 1],
      ['2026-10-25T23:00:00.000Z', 0],
    ]);
    expect(
      await valuesOf({
        from: '2026-09-30T22:00:00Z',
        to: '2026-11-30T23:00:00Z',
        metric: 'charges',
        window: 'MONTH',
        tz: 'Europe/Berlin',
      }),
    ).toEqual([
      ['2026-09-30T22:00:00.000Z', 1],
      ['2026-10-31T23:00:00.000Z', 0],
    ]);
  });

  it('places sessions in Kolkata days and months that start at 18:30 UTC', async () => {
    expect(
      await valuesOf({
        from: '2026-03-28T18:30:00Z',
        to: '2026-03-31T18:30:00Z',
        metric: 'rides',
        window: 'DAY',
        tz: 'Asia/Kolkata',
      }),
    ).toEqual([
      ['2026-03-28T18:30:00.000Z', 2],
      ['2026-03-29T18:30:00.000Z', 1],
      ['2026-03-30T18:30:00.000Z', 2],
    ]);
    expect(
      await valuesOf({
        from: '2026-02-28T18:30:00Z',
        to: '2026-04-30T18:30:00Z',
        metric: 'rides',
        window: 'MONTH',
        tz: 'Asia/Kolkata',
      }),
    ).toEqual([
      ['2026-02-28T18:30:00.000Z', 5],
      ['2026-03-31T18:30:00.000Z', 0],
    ]);
  });

  it('orders groups by energy consumed plus charged and pages them with a cursor', async () => {
    const first = await groupedOf({ ...RANGE, groupBy: 'vehicle', limit: 1 });
    expect(first.items.map((item) => [item.group, item.energyConsumedWh, item.energyChargedWh])).toEqual([
      [{ by: 'vehicle', id: V2 }, '85.251', '5000.125'],
    ]);
    const second = await groupedOf({ ...RANGE, groupBy: 'vehicle', limit: 1, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((item) => [item.group.id, item.energyConsumedWh, item.energyChargedWh])).toEqual([
      [V1, '150.5', '2500'],
    ]);
    expect(second.nextCursor).toBeNull();

    const MARCH = { from: '2026-03-01T00:00:00Z', to: '2026-04-01T00:00:00Z' };
    const march = await groupedOf({ ...MARCH, groupBy: 'vehicle' });
    expect(march.items.map((item) => item.group.id)).not.toContain(V3);
    const monthly = await timeseries.execute({ ...MARCH, metric: 'rides', window: 'MONTH', groupBy: 'vehicle' });
    expect(monthly.items.map((item) => item.group?.id)).not.toContain(V3);
    expect(monthly.items.length).toBeGreaterThan(0);

    const itself = await groupedOf({ ...RANGE, vehicleId: V1, groupBy: 'vehicle' });
    expect(itself.items.map((item) => [item.group.id, item.energyConsumedWh])).toEqual([[V1, '150.5']]);

    const byKind = await groupedOf({ ...RANGE, vehicleId: V1, groupBy: 'kind' });
    expect(byKind.items.map((item) => [item.group.id, item.rides, item.charges])).toEqual([
      ['CHARGING', 0, 1],
      ['RIDE', 2, 0],
    ]);
  });

  it('takes a zone however the request spells it', async () => {
    const spelled = await timeseries.execute({ ...RANGE, metric: 'rides', window: 'DAY', tz: 'eUrOpE/bErLiN' });
    const canonical = await timeseries.execute({ ...RANGE, metric: 'rides', window: 'DAY', tz: 'Europe/Berlin' });
    expect(spelled.items).toEqual(canonical.items);
  });

  it('gives grouped series items their group, every window of each group', async () => {
    const series = await timeseries.execute({
      from: '2026-03-28T00:00:00Z',
      to: '2026-03-31T00:00:00Z',
      metric: 'energyChargedWh',
      window: 'DAY',
      groupBy: 'station',
    });
    expect(series.items).toEqual([
      {
        start: '2026-03-28T00:00:00.000Z',
        end: '2026-03-29T00:00:00.000Z',
        value: '700',
        group: { by: 'station', id: ST1 },
      },
      {
        start: '2026-03-29T00:00:00.000Z',
        end: '2026-03-30T00:00:00.000Z',
        value: '7500.125',
        group: { by: 'station', id: ST1 },
      },
      {
        start: '2026-03-30T00:00:00.000Z',
        end: '2026-03-31T00:00:00.000Z',
        value: '0',
        group: { by: 'station', id: ST1 },
      },
    ]);
  });

  it('pages the export oldest end first, each session with its newest billing', async () => {
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await sessionsPage.execute({ ...RANGE, limit: 4, cursor });
      ids.push(...page.items.map((row) => row.sessionId));
      if (!cursor) {
        expect(page.items[0]).toEqual({
          sessionId: S.s1.sessionId,
          kind: 'RIDE',
          vehicleId: V1,
          riderId: R1,
          stationId: null,
          startedAt: '2026-03-28T21:00:00.000Z',
          endedAt: '2026-03-28T21:10:00.000Z',
          durationS: 600,
          energyWh: '100.5',
          distanceM: '1000.25',
          billingStatus: 'PRICED',
          billingRevision: 1,
          currency: 'EUR',
          totalExclVat: '1.00',
          totalVat: '0.19',
          totalInclVat: '1.19',
        });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(ids).toEqual([S.s1, S.s2, S.s3, S.s4, S.s5, S.s6].map((session) => session.sessionId));
  });

  it('answers ANALYTICS_REBUILDING with the progress while the projection is not built whole', async () => {
    await markBuilt(dataSource, null);
    try {
      const refusal = await summarize.execute(RANGE).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(AnalyticsRebuildingError);
      expect(refusal).toMatchObject({ details: { progress: { state: 'REBUILDING', sessionsRead: 42 } } });
      await expect(sessionsPage.execute(RANGE)).rejects.toBeInstanceOf(AnalyticsRebuildingError);
    } finally {
      await markBuilt(dataSource, new Date());
    }
  });

  it('answers SERVICE_UNAVAILABLE when a statement outlasts the statement timeout', async () => {
    const locker = dataSource.createQueryRunner();
    await locker.startTransaction();
    try {
      await locker.query(`LOCK TABLE projection.rollup IN ACCESS EXCLUSIVE MODE`);
      const refusal = await summarize.execute(RANGE).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(AnalyticsQueryTimedOutError);
      expect((refusal as AnalyticsQueryTimedOutError).toRpcError()).toMatchObject({ kind: 'UNAVAILABLE' });
    } finally {
      await locker.rollbackTransaction();
      await locker.release();
    }
  });

  /** A payload as the service takes it: through the global validation pipe, then its handler. */
  async function refusalOf(
    metatype: Function,
    payload: object,
    handle: (request: never) => Promise<unknown>,
  ): Promise<RpcError> {
    try {
      const request: unknown = await rpcValidationPipe().transform(payload, {
        type: 'body',
        metatype: metatype as never,
      });
      await handle(request as never);
    } catch (error) {
      if (isExposableError(error)) return error.toRpcError();
      throw error;
    }
    throw new Error(`${JSON.stringify(payload)} was not refused`);
  }

  const series = { ...RANGE, metric: 'rides', window: 'DAY' };
  it.each<[string, Function, object, (request: never) => Promise<unknown>]>([
    ['metric', AnalyticsTimeseriesRequest, { ...series, metric: 'speed' }, (r) => timeseries.execute(r)],
    ['window', AnalyticsTimeseriesRequest, { ...series, window: 'YEAR' }, (r) => timeseries.execute(r)],
    ['tz', AnalyticsTimeseriesRequest, { ...series, tz: 'Nowhere/City' }, (r) => timeseries.execute(r)],
    ['from', AnalyticsTimeseriesRequest, { ...series, from: RANGE.to, to: RANGE.from }, (r) => timeseries.execute(r)],
    [
      'window',
      AnalyticsTimeseriesRequest,
      { ...series, window: 'HOUR', from: '2024-01-01T00:00:00Z' },
      (r) => timeseries.execute(r),
    ],
    ['currency', AnalyticsTimeseriesRequest, { ...series, metric: 'vat' }, (r) => timeseries.execute(r)],
    ['currency', AnalyticsExplainRequest, { ...RANGE, metric: 'revenueExclVat' }, (r) => explain.execute(r)],
    ['groupBy', AnalyticsSummaryRequest, { ...RANGE, groupBy: 'planet' }, (r) => summarize.execute(r)],
    ['colour', AnalyticsSummaryRequest, { ...RANGE, colour: 'red' }, (r) => summarize.execute(r)],
    ['stationId', AnalyticsSummaryRequest, { ...RANGE, vehicleId: V1, stationId: ST1 }, (r) => summarize.execute(r)],
    ['groupBy', AnalyticsSummaryRequest, { ...RANGE, stationId: ST1, groupBy: 'rider' }, (r) => summarize.execute(r)],
    ['from', AnalyticsSessionsRequest, { ...RANGE, from: 'yesterday' }, (r) => sessionsPage.execute(r)],
    [
      'to',
      AnalyticsTimeseriesRequest,
      { ...series, window: 'MONTH', from: '1900-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' },
      (r) => timeseries.execute(r),
    ],
  ])('refuses a bad %s as VALIDATION_FAILED naming it', async (field, metatype, payload, handle) => {
    const refusal = await refusalOf(metatype, payload, handle);
    expect(refusal.code).toBe('VALIDATION_FAILED');
    expect(refusal.errors?.map((error) => error.field)).toEqual([field]);
  });

  it('refuses a grouped series of more than 50,000 items, naming groupBy', async () => {
    // Six vehicles in a range of their own: 8,976 hourly windows are allowed alone, 53,856 items are not.
    const far = Array.from({ length: 6 }, () =>
      aSession({ vehicleId: randomUUID(), riderId: randomUUID() }, { endedAt: '2030-01-01T12:00:00.000Z' }),
    );
    await seedSessions(dataSource, far);
    await rollUp(dataSource);
    const request = { from: '2030-01-01T00:00:00Z', to: '2031-01-10T00:00:00Z', metric: 'rides', window: 'HOUR' };
    expect((await timeseries.execute({ ...request, vehicleId: far[0].vehicleId } as never)).items).toHaveLength(8_976);
    const refusal = await refusalOf(AnalyticsTimeseriesRequest, { ...request, groupBy: 'vehicle' }, (r) =>
      timeseries.execute(r),
    );
    expect(refusal.errors?.map((error) => error.field)).toEqual(['groupBy']);
  });

  it('refuses a cursor it did not hand out as INVALID_CURSOR', async () => {
    for (const [metatype, payload, handle] of [
      [
        AnalyticsSummaryRequest,
        { ...RANGE, groupBy: 'vehicle', cursor: 'bm90IGEgY3Vyc29y' },
        (r: never) => summarize.execute(r),
      ],
      [AnalyticsSessionsRequest, { ...RANGE, cursor: 'bm90IGEgY3Vyc29y' }, (r: never) => sessionsPage.execute(r)],
    ] as const) {
      expect((await refusalOf(metatype, payload, handle)).code).toBe('INVALID_CURSOR');
    }
  });
});
