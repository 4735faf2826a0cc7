import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { SessionKind } from '@chargeflow/contracts';
import { addKindFigures, addRevenueFigures, noFigures, type Figures } from '../domain/figures';
import type { QueryScope } from '../domain/query-scope';
import { decompose, monthStartOf, type Span } from '../domain/range-decomposition';
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

/**
 * The figures of each window, per group, in one statement: whole buckets from the rollups (coarsest
 * level that fits, finer only towards the edges) and the partial edges off the 15-minute grid from
 * their sessions. A window's figures equal those of the same range asked alone, to the last digit.
 */
@Injectable()
export class RollupFiguresQuery {
  async figuresOf(manager: EntityManager, scope: QueryScope, windows: Span[]): Promise<Map<string, Figures>[]> {
    const ranges = { w: [] as number[], level: [] as string[], start: [] as string[], end: [] as string[] };
    const edges = { w: [] as number[], start: [] as string[], end: [] as string[] };
    windows.forEach((window, w) => {
      const { rollups, edges: partial } = decompose(window);
      for (const rollup of rollups) {
        ranges.w.push(w);
        ranges.level.push(rollup.level);
        ranges.start.push(new Date(rollup.start).toISOString());
        ranges.end.push(new Date(rollup.end).toISOString());
      }
      for (const edge of partial) {
        edges.w.push(w);
        edges.start.push(new Date(edge.start).toISOString());
        edges.end.push(new Date(edge.end).toISOString());
      }
    });

    const parameters = new SqlParameters();
    const rangesOf = `unnest(${parameters.add(ranges.w)}::int[], ${parameters.add(ranges.level)}::text[],
      ${parameters.add(ranges.start)}::timestamptz[], ${parameters.add(ranges.end)}::timestamptz[]) AS t(w, level, start_at, end_at)`;
    const edgesOf = `unnest(${parameters.add(edges.w)}::int[], ${parameters.add(edges.start)}::timestamptz[],
      ${parameters.add(edges.end)}::timestamptz[]) AS t(w, start_at, end_at)`;
    const kind = scope.kind === null ? null : parameters.add(scope.kind);
    const dimension = parameters.add(scope.dimension);
    const dimensionId = scope.dimensionId === null ? null : parameters.add(scope.dimensionId);
    const column = entityColumnOf(scope.dimension);

    // Which (entity, kind[, currency]) keys have rollups in the range, read from the few MONTH rows, so
    // each range below is an index probe on the full primary key rather than a scan of a level.
    const months = {
      from: parameters.add(new Date(monthStartOf(Math.min(...windows.map((window) => window.start)))).toISOString()),
      to: parameters.add(new Date(Math.max(...windows.map((window) => window.end))).toISOString()),
    };
    const keysOf = (table: string, columns: string) =>
      `SELECT DISTINCT ${columns} FROM projection.${table} r
        WHERE r.level = 'MONTH' AND r.dim = ${dimension} ${dimensionId ? `AND r.dim_id = ${dimensionId}::uuid` : ''}
          ${kind ? `AND r.kind = ${kind}` : ''} AND r.bucket >= ${months.from}::timestamptz AND r.bucket < ${months.to}::timestamptz`;
    const probe = (table: string, sums: string, currency: string) =>
      `FROM ranges t CROSS JOIN ${table}_keys k
        CROSS JOIN LATERAL (
          SELECT ${sums} FROM projection.${table} r
           WHERE r.level = t.level AND r.dim = ${dimension} AND r.dim_id = k.dim_id AND r.kind = k.kind ${currency}
             AND r.bucket >= t.start_at AND r.bucket < t.end_at) x
       WHERE x.sessions IS NOT NULL`;
    const rollupGroup = scope.groupBy === 'kind' ? 'k.kind' : scope.groupBy ? 'k.dim_id::text' : `''`;
    const sessionGroup = scope.groupBy === 'kind' ? 's.kind' : scope.groupBy ? `s.${column}::text` : `''`;
    const sessionFilter = sessionConditions(scope, parameters);

    const rows = (await manager.query(
      `WITH ranges AS (SELECT * FROM ${rangesOf}),
            edges AS (SELECT * FROM ${edgesOf}),
            edge_sessions AS (
              SELECT t.w, ${sessionGroup} AS grp, s.kind, s.energy_wh, s.distance_m, s.duration_s,
                     b.status, b.currency, b.total_excl_vat, b.total_vat, b.total_incl_vat
                FROM edges t
                JOIN projection.session_fact s ON s.ended_at >= t.start_at AND s.ended_at < t.end_at
                LEFT JOIN projection.billing_fact b ON b.session_id = s.session_id
               ${sessionFilter.length > 0 ? `WHERE ${sessionFilter.join(' AND ')}` : ''}),
            rollup_keys AS (${keysOf('rollup', 'r.dim_id, r.kind')}),
            revenue_rollup_keys AS (${keysOf('revenue_rollup', 'r.dim_id, r.kind, r.currency')}),
            kind_rows AS (
              SELECT t.w, ${rollupGroup} AS grp, k.kind, x.sessions, x.priced, x.energy_wh, x.distance_m, x.duration_s
                ${probe(
                  'rollup',
                  `sum(r.sessions) AS sessions, sum(r.priced) AS priced, sum(r.energy_wh) AS energy_wh,
                   sum(r.distance_m) AS distance_m, sum(r.duration_s) AS duration_s`,
                  '',
                )}
              UNION ALL
              SELECT w, grp, kind, 1, CASE WHEN status = 'PRICED' THEN 1 ELSE 0 END, energy_wh, distance_m, duration_s
                FROM edge_sessions),
            revenue_rows AS (
              SELECT t.w, ${rollupGroup} AS grp, k.currency, x.sessions, x.excl_vat, x.vat, x.incl_vat
                ${probe(
                  'revenue_rollup',
                  `sum(r.sessions) AS sessions, sum(r.excl_vat) AS excl_vat, sum(r.vat) AS vat, sum(r.incl_vat) AS incl_vat`,
                  'AND r.currency = k.currency',
                )}
              UNION ALL
              SELECT w, grp, currency, 1, total_excl_vat, total_vat, total_incl_vat
                FROM edge_sessions WHERE status = 'PRICED')
       SELECT 'KIND' AS part, w, grp, kind, NULL::text AS currency, sum(sessions)::text AS sessions,
              sum(priced)::text AS priced, sum(energy_wh)::text AS energy_wh, sum(distance_m)::text AS distance_m,
              sum(duration_s)::text AS duration_s, NULL::text AS excl_vat, NULL::text AS vat, NULL::text AS incl_vat
         FROM kind_rows GROUP BY w, grp, kind
       UNION ALL
       SELECT 'REVENUE', w, grp, NULL, currency, sum(sessions)::text, NULL, NULL, NULL, NULL,
              sum(excl_vat)::text, sum(vat)::text, sum(incl_vat)::text
         FROM revenue_rows GROUP BY w, grp, currency`,
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
}
