import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { AnalyticsMetric, AnalyticsValue, SessionKind } from '@chargeflow/contracts';
import { addKindFigures, addRevenueFigures, noFigures, type Figures } from '../domain/figures';
import type { QueryScope } from '../domain/query-scope';
import { windowValuesOf, type ValueFormat } from '../domain/window-values';
import {
  bucketsOf,
  decompose,
  monthSlicesOf,
  monthStartOf,
  type Decomposition,
  type MonthSlice,
  type Span,
} from '../domain/range-decomposition';
import { SqlParameters, entityColumnOf, sessionConditions } from './sql-parameters';

interface FiguresRow {
  part: 'KIND' | 'REVENUE';
  w: number;
  grp: string;
  kind: SessionKind | null;
  currency: string | null;
  sessions: string;
  priced: string | null;
  energy_wh: string | null;
  distance_m: string | null;
  duration_s: string | null;
  excl_vat: string | null;
  vat: string | null;
  incl_vat: string | null;
}

/** The group of a query that has none. */
export const WHOLE = '';

/** The columns each rollup table sums, and the keys beside dim_id that identify its rows. */
const ROLLUP_TABLES = {
  rollup: { keys: ['kind'], sums: ['sessions', 'priced', 'energy_wh', 'distance_m', 'duration_s'] },
  revenue_rollup: { keys: ['kind', 'currency'], sums: ['sessions', 'excl_vat', 'vat', 'incl_vat'] },
} as const;

const iso = (instant: number) => new Date(instant).toISOString();

/**
 * The figures of each window, per group, in one statement: whole buckets from the rollups (the
 * signed spans that read fewest buckets, each bucket's sums added or taken back, exact in numeric) and the
 * partial edges off the 15-minute grid from their sessions. A window's figures equal those of the same range asked alone, to the last digit.
 */
@Injectable()
export class RollupFiguresQuery {
  /**
   * `revenue: false` leaves out the revenue per currency (for a metric that is not a revenue metric):
   * its figures then have no currencies.
   */
  async figuresOf(
    manager: EntityManager,
    scope: QueryScope,
    windows: Span[],
    { revenue }: { revenue: boolean } = { revenue: true },
  ): Promise<Map<string, Figures>[]> {
    const parameters = new SqlParameters();
    const ctes = this.sourcesOf(
      scope,
      windows,
      windows.map((window) => decompose(window)),
      parameters,
      revenue,
    );
    const rows = (await manager.query(
      `WITH ${ctes.join(',\n')}
       SELECT 'KIND' AS part, w, grp, kind, NULL::text AS currency, sum(sessions)::text AS sessions,
              sum(priced)::text AS priced, sum(energy_wh)::text AS energy_wh, sum(distance_m)::text AS distance_m,
              sum(duration_s)::text AS duration_s, NULL::text AS excl_vat, NULL::text AS vat, NULL::text AS incl_vat
         FROM kind_rows GROUP BY w, grp, kind
       ${
         revenue
           ? `UNION ALL
       SELECT 'REVENUE', w, grp, NULL, currency, sum(sessions)::text, NULL, NULL, NULL, NULL,
              sum(excl_vat)::text, sum(vat)::text, sum(incl_vat)::text
         FROM revenue_rows GROUP BY w, grp, currency`
           : ''
       }`,
      parameters.values,
    )) as FiguresRow[];

    const figures = windows.map(() => new Map<string, Figures>());
    for (const row of rows) {
      const groups = figures[row.w];
      const group = groups.get(row.grp) ?? noFigures();
      groups.set(row.grp, group);
      if (row.part === 'KIND') {
        addKindFigures(group, {
          kind: row.kind as SessionKind,
          sessions: row.sessions,
          priced: row.priced ?? '0',
          energyWh: row.energy_wh ?? '0',
          distanceM: row.distance_m ?? '0',
          durationS: row.duration_s ?? '0',
        });
      } else {
        addRevenueFigures(group, {
          currency: row.currency as string,
          sessions: row.sessions,
          exclVat: row.excl_vat ?? '0',
          vat: row.vat ?? '0',
          inclVat: row.incl_vat ?? '0',
        });
      }
    }
    return figures;
  }

  /**
   * One metric per window and group: one row per group with its windows' parts, each part a rollup
   * row's (signed) or an edge session's value of the metric, as `"<window> <value>;..."`, added up per
   * window in windowValuesOf. Grouping by window as well in SQL costs a grouped two-year series (500
   * groups × 24 windows, 13,000 parts) more than half its time: 12,000 groups of exact sums, each
   * written as text. When each window holds one whole UTC month (monthly windows, in any zone), the
   * months come from the packed rows instead, one part per group and year, `"<first window>:{<value>,...}"`
   * (a two-year series by station reads 1,500 rows instead of 12,000, and writes as many parts). A
   * grouped series has the groups with a session, most energy first; a window with nothing has
   * `empty`, the metric's zero.
   */
  async seriesOf(
    manager: EntityManager,
    scope: QueryScope,
    windows: Span[],
    metric: AnalyticsMetric,
    currency: string | null,
    empty: AnalyticsValue,
  ): Promise<MetricSeries> {
    const parameters = new SqlParameters();
    const { from, part, format, packed } = METRIC_PARTS[metric];
    const revenue = from === 'revenue_rows';
    const pieces = windows.map((window) => decompose(window));
    const months = packed && scope.dimensionId === null ? monthSlicesOf(pieces) : null;
    const ctes = this.sourcesOf(scope, windows, pieces, parameters, revenue, months);
    // Written as PostgreSQL writes them (trim_scale there measured 5 ms of 14 on 13,000 parts; trimmed in windowValuesOf).
    const written = (separator: string) => `w::text || '${separator}' || (${part})::text`;
    // Each group's energy and sessions over the range, to rank it (a packed row's from its running
    // totals), and with a metric of kind_rows its parts in the same pass.
    const kindParts = (withParts: boolean) =>
      `SELECT grp, energy_wh, sessions ${withParts ? `, ${written(' ')} AS part` : ''} FROM kind_rows
       ${months ? `UNION ALL SELECT grp, energy_wh_in_range, sessions_in_range ${withParts ? `, ${written(':')}` : ''} FROM kind_packs` : ''}`;
    ctes.push(
      `groups AS (SELECT grp, public.exact_sum(energy_wh) AS energy_wh, sum(sessions) AS sessions
         ${revenue ? '' : `, string_agg(part, ';') AS parts`} FROM (${kindParts(!revenue)}) x GROUP BY grp)`,
    );
    if (revenue) {
      const where = `WHERE currency = ${parameters.add(currency)}`;
      ctes.push(
        `revenue_parts AS (SELECT grp, string_agg(part, ';') AS parts FROM (
           SELECT grp, ${written(' ')} AS part FROM revenue_rows ${where}
           ${months ? `UNION ALL SELECT grp, ${written(':')} FROM revenue_packs ${where}` : ''}) x GROUP BY grp)`,
      );
    }
    // Ids ordered as rankGroups orders them: by code unit, which is C's byte order for their ASCII.
    const ranking = scope.groupBy ? `WHERE g.sessions > 0 ORDER BY g.energy_wh DESC, g.grp::text COLLATE "C"` : '';
    // The parts are grouped by hashing, not by sorting all of them first (13,000 parts: a third of the
    // time); the planner, misjudging how many rows a bucket has, would sort. With sorts off, the one
    // sort left (the groups' order) is costed so high that JIT would compile the plan (100 - 200 ms):
    // off too, here, whoever runs this. For the rest of the caller's transaction (LOCAL).
    await manager.query(`SET LOCAL enable_sort = off; SET LOCAL jit = off`);
    const rows = (await manager.query(
      `WITH ${ctes.join(',\n')}
       SELECT g.grp::text AS grp, ${revenue ? 'p.parts' : 'g.parts'} AS parts
         FROM groups g ${revenue ? 'LEFT JOIN revenue_parts p ON p.grp = g.grp' : ''} ${ranking}`,
      parameters.values,
    )) as { grp: string; parts: string | null }[];
    return rows.map((row) => ({ id: row.grp, values: () => windowValuesOf(row.parts, format, windows.length, empty) }));
  }

  /**
   * The common table expressions that give `kind_rows` (and `revenue_rows`): signed rollup rows and
   * edge sessions; with `months`, the MONTH buckets come as `kind_packs` (and `revenue_packs`) instead.
   */
  private sourcesOf(
    scope: QueryScope,
    windows: Span[],
    pieces: Decomposition[],
    parameters: SqlParameters,
    revenue: boolean,
    months: MonthSlice[] | null = null,
  ): string[] {
    const kind = scope.kind === null ? null : parameters.add(scope.kind);
    const dimension = parameters.add(scope.dimension);
    const dimensionId = scope.dimensionId === null ? null : parameters.add(scope.dimensionId);
    const kindCondition = kind ? `AND r.kind = ${kind}` : '';
    const column = entityColumnOf(scope.dimension);
    const sessionGroup = scope.groupBy === 'kind' ? 's.kind' : scope.groupBy ? `s.${column}` : `''`;
    const tables: RollupTable[] = revenue ? ['rollup', 'revenue_rollup'] : ['rollup'];

    const rollupRows =
      dimensionId === null
        ? this.bucketJoin(pieces, parameters, dimension, kindCondition, months !== null)
        : this.rangeProbes(pieces, windows, parameters, dimension, dimensionId, kindCondition, scope, tables);
    const edges = pieces.flatMap(({ edges: partial }, w) => partial.map((edge) => ({ w, ...edge })));
    const ctes = [...rollupRows.ctes];
    let kindEdgeRows = '';
    let revenueEdgeRows = '';
    if (edges.length > 0) {
      // Only when there are partial edges: else the planner may scan session_fact before joining nothing.
      const edgesOf = `unnest(${parameters.add(edges.map((edge) => edge.w))}::int[],
        ${parameters.add(edges.map((edge) => iso(edge.start)))}::timestamptz[],
        ${parameters.add(edges.map((edge) => iso(edge.end)))}::timestamptz[]) AS t(w, start_at, end_at)`;
      const sessionFilter = sessionConditions(scope, parameters);
      ctes.push(
        `edges AS (SELECT * FROM ${edgesOf})`,
        `edge_sessions AS (
           SELECT t.w, ${sessionGroup} AS grp, s.kind, s.energy_wh, s.distance_m, s.duration_s,
                  b.status, b.currency, b.total_excl_vat, b.total_vat, b.total_incl_vat
             FROM edges t
             JOIN projection.session_fact s ON s.ended_at >= t.start_at AND s.ended_at < t.end_at
             LEFT JOIN projection.billing_fact b ON b.session_id = s.session_id
            ${sessionFilter.length > 0 ? `WHERE ${sessionFilter.join(' AND ')}` : ''})`,
      );
      kindEdgeRows = `UNION ALL
        SELECT w, grp, kind, 1, CASE WHEN status = 'PRICED' THEN 1 ELSE 0 END, energy_wh, distance_m, duration_s
          FROM edge_sessions`;
      revenueEdgeRows = `UNION ALL
        SELECT w, grp, kind, currency, 1, total_excl_vat, total_vat, total_incl_vat
          FROM edge_sessions WHERE status = 'PRICED'`;
    }
    ctes.push(`kind_rows AS (${rollupRows.select('rollup')} ${kindEdgeRows})`);
    if (revenue) ctes.push(`revenue_rows AS (${rollupRows.select('revenue_rollup')} ${revenueEdgeRows})`);
    if (months) ctes.push(...this.monthPacks(months, parameters, dimension, kindCondition, revenue));
    return ctes;
  }

  /**
   * Each group's months of each slice, from its packed row of the slice's year: the arrays cut to the
   * slice (each element one window's, from the slice's first window on), and its energy and sessions
   * over the slice from the running totals.
   */
  private monthPacks(
    months: MonthSlice[],
    parameters: SqlParameters,
    dimension: string,
    kindCondition: string,
    revenue: boolean,
  ): string[] {
    const slicesOf = `unnest(${parameters.add(months.map((slice) => slice.year))}::int[],
      ${parameters.add(months.map((slice) => slice.first))}::int[],
      ${parameters.add(months.map((slice) => slice.last))}::int[],
      ${parameters.add(months.map((slice) => slice.window))}::int[]) AS t(year, first, last, w)`;
    const cut = (sums: readonly string[]) => sums.map((sum) => `r.${sum}[t.first:t.last] AS ${sum}`).join(', ');
    const packs = (table: PackedTable) =>
      `FROM month_slices t JOIN projection.${table} r ON r.dim = ${dimension} AND r.year = t.year ${kindCondition}`;
    return [
      `month_slices AS (SELECT * FROM ${slicesOf})`,
      `kind_packs AS (SELECT t.w, r.dim_id AS grp, r.kind, ${cut(ROLLUP_TABLES.rollup.sums)},
         r.energy_wh_to_date[t.last] - coalesce(r.energy_wh_to_date[t.first - 1], 0) AS energy_wh_in_range,
         r.sessions_to_date[t.last] - coalesce(r.sessions_to_date[t.first - 1], 0) AS sessions_in_range
         ${packs('rollup_months')})`,
      ...(revenue
        ? [
            `revenue_packs AS (SELECT t.w, r.dim_id AS grp, r.kind, r.currency, ${cut(ROLLUP_TABLES.revenue_rollup.sums)}
               ${packs('revenue_rollup_months')})`,
          ]
        : []),
    ];
  }

  /**
   * One entity (or ALL): the (kind[, currency]) keys it has in the range's months, then each range an
   * index probe on the full primary key, summed per key.
   */
  private rangeProbes(
    pieces: Decomposition[],
    windows: Span[],
    parameters: SqlParameters,
    dimension: string,
    dimensionId: string,
    kindCondition: string,
    scope: QueryScope,
    tables: RollupTable[],
  ): RollupRows {
    const ranges = pieces.flatMap(({ rollups }, w) => rollups.map((rollup) => ({ w, ...rollup })));
    const rangesOf = `unnest(${parameters.add(ranges.map((range) => range.w))}::int[],
      ${parameters.add(ranges.map((range) => range.level))}::text[],
      ${parameters.add(ranges.map((range) => iso(range.start)))}::timestamptz[],
      ${parameters.add(ranges.map((range) => iso(range.end)))}::timestamptz[],
      ${parameters.add(ranges.map((range) => range.sign))}::int[]) AS t(w, level, start_at, end_at, sign)`;
    const monthsFrom = parameters.add(iso(monthStartOf(Math.min(...windows.map((window) => window.start)))));
    const monthsTo = parameters.add(iso(Math.max(...windows.map((window) => window.end))));
    const keysOf = (table: RollupTable) =>
      `${table}_keys AS (
         SELECT DISTINCT ${ROLLUP_TABLES[table].keys.map((key) => `r.${key}`).join(', ')} FROM projection.${table} r
          WHERE r.level = 'MONTH' AND r.dim = ${dimension} AND r.dim_id = ${dimensionId}::uuid ${kindCondition}
            AND r.bucket >= ${monthsFrom}::timestamptz AND r.bucket < ${monthsTo}::timestamptz)`;
    const group = scope.groupBy === 'kind' ? 'k.kind' : scope.groupBy ? `${dimensionId}::uuid` : `''`;
    return {
      ctes: [`ranges AS (SELECT * FROM ${rangesOf})`, ...tables.map(keysOf)],
      select: (table) => {
        const { keys, sums } = ROLLUP_TABLES[table];
        return `SELECT t.w, ${group} AS grp, ${keys.map((key) => `k.${key}`).join(', ')}, ${sums.map((sum) => `${signed(`x.${sum}`)} AS ${sum}`).join(', ')}
          FROM ranges t CROSS JOIN ${table}_keys k
          CROSS JOIN LATERAL (
            SELECT ${sums.map((sum) => `sum(r.${sum}) AS ${sum}`).join(', ')} FROM projection.${table} r
             WHERE r.level = t.level AND r.dim = ${dimension} AND r.dim_id = ${dimensionId}::uuid
               ${keys.map((key) => `AND r.${key} = k.${key}`).join(' ')}
               AND r.bucket >= t.start_at AND r.bucket < t.end_at) x
         WHERE x.sessions IS NOT NULL`;
      },
    };
  }

  /**
   * Every entity of a dimension, one group each: the buckets of the ranges, joined on (level, bucket)
   * to the dimension's rows of the levels in use, so each level is read once whatever the entities.
   */
  private bucketJoin(
    pieces: Decomposition[],
    parameters: SqlParameters,
    dimension: string,
    kindCondition: string,
    withoutMonths: boolean,
  ): RollupRows {
    const buckets = pieces.flatMap(({ rollups }, w) =>
      rollups
        .filter((rollup) => !(withoutMonths && rollup.level === 'MONTH'))
        .flatMap((rollup) =>
          bucketsOf(rollup).map((bucket) => ({ w, level: rollup.level, bucket, sign: rollup.sign })),
        ),
    );
    const bucketsOfRanges = `unnest(${parameters.add(buckets.map((bucket) => bucket.w))}::int[],
      ${parameters.add(buckets.map((bucket) => bucket.level))}::text[],
      ${parameters.add(buckets.map((bucket) => iso(bucket.bucket)))}::timestamptz[],
      ${parameters.add(buckets.map((bucket) => bucket.sign))}::int[]) AS t(w, level, bucket, sign)`;
    const levels = parameters.add([...new Set(buckets.map((bucket) => bucket.level))]);
    return {
      ctes: [`buckets AS (SELECT * FROM ${bucketsOfRanges})`],
      select: (table) => {
        const { keys, sums } = ROLLUP_TABLES[table];
        return `SELECT t.w, r.dim_id AS grp, ${keys.map((name) => `r.${name}`).join(', ')},
               ${sums.map((name) => `${signed(`r.${name}`)} AS ${name}`).join(', ')}
          FROM buckets t JOIN projection.${table} r ON r.level = t.level AND r.bucket = t.bucket
         WHERE r.level = ANY(${levels}::text[]) AND r.dim = ${dimension} ${kindCondition}`;
      },
    };
  }
}

type RollupTable = keyof typeof ROLLUP_TABLES;
type PackedTable = 'rollup_months' | 'revenue_rollup_months';

/**
 * A rollup sum with its range's sign (+1 added, -1 taken back): negated rather than multiplied, since
 * a numeric multiplication per row cost a grouped two-year series a fifth of its time.
 */
const signed = (sum: string) => `CASE WHEN t.sign > 0 THEN ${sum} ELSE -${sum} END`;

/**
 * One metric's values per group (a series without groups has at most one, WHOLE), groups in their
 * order, each with its value in every window by window index, written when asked (so a series with
 * too many groups is refused before a value is written).
 */
export type MetricSeries = { id: string; values(): AnalyticsValue[] }[];

/**
 * Where each metric is summed, its part of one row (NULL: none, left out), how its sum is written (the
 * per-row form of figures.ts's metricOf), and whether the part reads packed months too (it is then
 * the same expression over arrays of months).
 */
const METRIC_PARTS: Record<
  AnalyticsMetric,
  { from: 'kind_rows' | 'revenue_rows'; part: string; format: ValueFormat; packed: boolean }
> = {
  rides: { from: 'kind_rows', part: `CASE WHEN kind = 'RIDE' THEN sessions END`, format: 'integer', packed: true },
  charges: {
    from: 'kind_rows',
    part: `CASE WHEN kind = 'CHARGING' THEN sessions END`,
    format: 'integer',
    packed: true,
  },
  energyConsumedWh: {
    from: 'kind_rows',
    part: `CASE WHEN kind = 'RIDE' THEN energy_wh END`,
    format: 'decimal',
    packed: true,
  },
  energyChargedWh: {
    from: 'kind_rows',
    part: `CASE WHEN kind = 'CHARGING' THEN energy_wh END`,
    format: 'decimal',
    packed: true,
  },
  distanceM: { from: 'kind_rows', part: 'distance_m', format: 'decimal', packed: true },
  durationS: { from: 'kind_rows', part: 'duration_s', format: 'integer', packed: true },
  pricedSessions: { from: 'kind_rows', part: 'priced', format: 'integer', packed: true },
  // A difference of two arrays has no operator: read month by month.
  unpricedSessions: { from: 'kind_rows', part: 'sessions - priced', format: 'integer', packed: false },
  revenueExclVat: { from: 'revenue_rows', part: 'excl_vat', format: 'money', packed: true },
  vat: { from: 'revenue_rows', part: 'vat', format: 'money', packed: true },
  revenueInclVat: { from: 'revenue_rows', part: 'incl_vat', format: 'money', packed: true },
};

/** Common table expressions, and the rows of one rollup table they give. */
interface RollupRows {
  ctes: string[];
  select(table: RollupTable): string;
}
