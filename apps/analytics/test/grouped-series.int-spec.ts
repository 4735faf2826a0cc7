import { migratedAnalyticsDatabase } from './analytics-database';
import { randomUUID } from 'node:crypto';
import Decimal from 'decimal.js';
import { DataSource } from 'typeorm';
import type {
  AnalyticsExplainRequest,
  AnalyticsGrouping,
  AnalyticsMetric,
  AnalyticsSummary,
  AnalyticsTimeseriesRequest,
  AnalyticsValue,
  AnalyticsWindow,
  GroupedAnalyticsSummary,
  SessionKind,
} from '@chargeflow/contracts';
import { type IsolatedDatabase } from '@chargeflow/testing';
import { ExplainHandler } from '../src/query/explain/explain.handler';
import { ProjectionReader } from '../src/query/infrastructure/projection-reader';
import { RollupFiguresQuery } from '../src/query/infrastructure/rollup-figures.query';
import { SessionFactsQuery } from '../src/query/infrastructure/session-facts.query';
import { SummarizeHandler } from '../src/query/summarize/summarize.handler';
import { TimeseriesHandler } from '../src/query/timeseries/timeseries.handler';
import { aSession, markBuilt, priced, rollUp, seedSessions, type SeededSession } from './query-seed';

/** mulberry32: the same sessions on every run. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const STATIONS = Array.from({ length: 9 }, () => randomUUID());
const VEHICLES = Array.from({ length: 12 }, () => randomUUID());
const RIDERS = Array.from({ length: 5 }, () => randomUUID());
const [TIE_A, TIE_B] = [randomUUID(), randomUUID()];

/**
 * Sessions over 2026 and its edges, at random seconds, plus some on the instants where local days and
 * months of Berlin (CET/CEST) and Kolkata (+05:30) begin, and around Berlin's two clock changes.
 */
function seeded(): SeededSession[] {
  const random = prng(20_261_202);
  const pick = <T>(list: T[]) => list[Math.floor(random() * list.length)];
  const decimal = (max: number, places: number) => new Decimal(Math.floor(random() * max)).div(10 ** places).toFixed();
  const anEnd = () => new Date(Date.parse('2025-12-31T12:00:00Z') + Math.floor(random() * 367 * 86_400) * 1_000);
  const billing = () => {
    const roll = random();
    if (roll < 0.1) return null;
    if (roll < 0.2) return { status: 'UNPRICED' as const };
    const excl = new Decimal(Math.floor(random() * 5_000)).div(100);
    const vat = excl.times(0.19).toDecimalPlaces(2);
    return priced(roll < 0.8 ? 'EUR' : 'USD', excl.toFixed(2), vat.toFixed(2), excl.plus(vat).toFixed(2));
  };
  const aCharge = (endedAt: string, stationId = pick(STATIONS), energyWh = decimal(60_000_000, 3)) =>
    aSession(
      { vehicleId: pick(VEHICLES), stationId },
      { endedAt, energyWh, durationS: 600 + Math.floor(random() * 9_000), billing: billing() },
    );
  const aRide = (endedAt: string) =>
    aSession(
      { vehicleId: pick(VEHICLES), riderId: pick(RIDERS) },
      {
        endedAt,
        energyWh: decimal(2_000_000, 3),
        distanceM: decimal(3_000_000, 2),
        durationS: 60 + Math.floor(random() * 3_600),
        billing: billing(),
      },
    );
  const edges = [
    '2025-12-31T18:29:59Z',
    '2025-12-31T18:30:00Z',
    '2025-12-31T22:59:59Z',
    '2025-12-31T23:00:00Z',
    '2026-03-29T00:59:59Z',
    '2026-03-29T01:00:00Z',
    '2026-03-29T21:59:59Z',
    '2026-03-29T22:00:00Z',
    '2026-03-31T18:30:00Z',
    '2026-03-31T21:59:59Z',
    '2026-03-31T22:00:00Z',
    '2026-10-25T00:59:59Z',
    '2026-10-25T01:00:00Z',
    '2026-10-25T01:30:00Z',
    '2026-10-25T22:59:59Z',
    '2026-10-25T23:00:00Z',
    '2026-10-31T22:59:59Z',
    '2026-10-31T23:00:00Z',
    '2026-12-31T18:37:29Z',
    '2026-12-31T18:37:30Z',
  ];
  return [
    ...Array.from({ length: 360 }, () => {
      const endedAt = anEnd().toISOString();
      return random() < 0.6 ? aRide(endedAt) : aCharge(endedAt);
    }),
    ...edges.flatMap((endedAt) => [aRide(endedAt), aCharge(endedAt)]),
    // Two stations of equal energy: ranked by id, in the series as in the summary's pages.
    aCharge('2026-05-05T10:10:10Z', TIE_A, '123.456'),
    aCharge('2026-07-07T07:07:07Z', TIE_B, '123.456'),
  ];
}

const METRICS: [AnalyticsMetric, string | undefined][] = [
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
];

/** A metric as a summary writes it; a group with nothing in the window has the metric's zero. */
function figureOf(summary: AnalyticsSummary | undefined, metric: AnalyticsMetric, currency?: string): AnalyticsValue {
  const revenue = summary?.revenue.find((figures) => figures.currency === currency);
  const money = { revenueExclVat: revenue?.exclVat, vat: revenue?.vat, revenueInclVat: revenue?.inclVat };
  if (metric in money) return money[metric as keyof typeof money] ?? '0.00';
  if (!summary)
    return ['rides', 'charges', 'durationS', 'pricedSessions', 'unpricedSessions'].includes(metric) ? 0 : '0';
  return summary[metric as keyof AnalyticsSummary] as AnalyticsValue;
}

/** The metrics each group's whole range is explained for: a count, a decimal, and money in each currency. */
const EXPLAINED = new Set<AnalyticsMetric>([
  'rides',
  'energyChargedWh',
  'distanceM',
  'durationS',
  'vat',
  'revenueInclVat',
]);

const FILTER_OF: Record<AnalyticsGrouping, (id: string) => Partial<AnalyticsExplainRequest>> = {
  station: (id) => ({ stationId: id }),
  vehicle: (id) => ({ vehicleId: id }),
  rider: (id) => ({ riderId: id }),
  kind: (id) => ({ kind: id as SessionKind }),
};

describe('grouped series on real PostgreSQL: many groups and windows, zones off UTC, clock changes', () => {
  let database: IsolatedDatabase;
  let dataSource: DataSource;
  let summarize: SummarizeHandler;
  let timeseries: TimeseriesHandler;
  let explain: ExplainHandler;

  beforeAll(async () => {
    ({ database, dataSource } = await migratedAnalyticsDatabase('analytics-grouped-series'));
    await seedSessions(dataSource, seeded());
    await rollUp(dataSource);
    await markBuilt(dataSource, new Date());
    const reader = new ProjectionReader(dataSource);
    const figures = new RollupFiguresQuery();
    summarize = new SummarizeHandler(reader, figures);
    timeseries = new TimeseriesHandler(reader, figures);
    explain = new ExplainHandler(reader, figures, new SessionFactsQuery());
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await database?.drop();
  });

  /** Every page of a grouped summary, walked by cursor a few groups at a time. */
  async function groupedSummary(request: object): Promise<GroupedAnalyticsSummary['items']> {
    const items: GroupedAnalyticsSummary['items'] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 100; page += 1) {
      const answer = (await summarize.execute({ ...request, limit: 4, cursor } as never)) as GroupedAnalyticsSummary;
      items.push(...answer.items);
      if (!answer.nextCursor) return items;
      cursor = answer.nextCursor;
    }
    throw new Error('more than 100 pages');
  }

  it.each<[string, AnalyticsWindow, AnalyticsGrouping, string, string]>([
    ['Europe/Berlin', 'MONTH', 'station', '2025-12-31T23:00:00.000Z', '2026-12-31T23:00:00.000Z'],
    // Three UTC years: a packed row of each, the later ones from a later window on.
    ['Europe/Berlin', 'MONTH', 'vehicle', '2025-11-30T23:00:00.000Z', '2027-01-31T23:00:00.000Z'],
    ['Asia/Kolkata', 'MONTH', 'vehicle', '2025-12-31T18:30:00.000Z', '2026-12-31T18:37:30.000Z'],
    ['Europe/Berlin', 'DAY', 'vehicle', '2026-03-27T23:00:00.000Z', '2026-03-31T22:00:00.000Z'],
    ['Europe/Berlin', 'DAY', 'rider', '2026-10-23T22:00:00.000Z', '2026-10-27T23:00:00.000Z'],
    ['Asia/Kolkata', 'WEEK', 'kind', '2026-03-01T18:30:00.000Z', '2026-05-31T18:30:00.000Z'],
  ])(
    'in %s, %s windows grouped by %s: every item equals its window and group in the summary, every group the explanation',
    async (tz, window, groupBy, from, to) => {
      const all = await Promise.all(
        METRICS.map(([metric, currency]) =>
          timeseries.execute({ from, to, tz, window, groupBy, metric, currency } as AnalyticsTimeseriesRequest),
        ),
      );
      const [first] = all;
      const windows = [...new Map(first.items.map((item) => [item.start, item.end]))];
      const groups = [...new Set(first.items.map((item) => item.group?.id as string))];
      expect(windows.length).toBeGreaterThan(3);
      expect(groups.length).toBeGreaterThan(1);
      expect(first.items).toHaveLength(windows.length * groups.length);

      // The groups in the order of the grouped summary of the whole range, its pages walked by cursor.
      expect(groups).toEqual((await groupedSummary({ from, to, groupBy })).map((item) => item.group.id));

      for (const [start, end] of windows) {
        const summaries = new Map(
          (await groupedSummary({ from: start, to: end, groupBy })).map((item) => [item.group.id, item]),
        );
        METRICS.forEach(([metric, currency], index) => {
          const items = all[index].items.filter((item) => item.start === start);
          expect(items.map((item) => [metric, start, end, item.group?.id, item.value])).toEqual(
            groups.map((id) => [metric, start, end, id, figureOf(summaries.get(id), metric, currency)]),
          );
        });
      }

      for (const [index, [metric, currency]] of METRICS.entries()) {
        if (!EXPLAINED.has(metric)) continue;
        for (const id of groups) {
          const explained = await explain.execute({ from, to, metric, currency, limit: 1, ...FILTER_OF[groupBy](id) });
          const sum = all[index].items
            .filter((item) => item.group?.id === id)
            .reduce((total, item) => total.plus(item.value), new Decimal(0));
          expect([metric, id, sum.toFixed()]).toEqual([metric, id, new Decimal(explained.value).toFixed()]);
        }
      }
    },
  );

  it('ranks two groups of equal energy by id, in the series as in the summary pages', async () => {
    const range = { from: '2026-05-01T00:00:00.000Z', to: '2026-08-01T00:00:00.000Z' };
    const series = await timeseries.execute({
      ...range,
      metric: 'energyChargedWh',
      window: 'MONTH',
      tz: 'Europe/Berlin',
      groupBy: 'station',
    });
    const order = [...new Set(series.items.map((item) => item.group?.id))];
    expect(order.filter((id) => id === TIE_A || id === TIE_B)).toEqual([TIE_A, TIE_B].sort());
    expect(order).toEqual((await groupedSummary({ ...range, groupBy: 'station' })).map((item) => item.group.id));
  });
});
