import type { MigrationInterface, QueryRunner } from 'typeorm';
import { monthRollupTables } from '../projection/infrastructure/projection-tables';
import { packAllMonths, rollupTablesOf } from '../projection/infrastructure/projection.store';

/**
 * The MONTH rollups packed per year (rollup_months, revenue_rollup_months), and the element-wise
 * arithmetic that keeps them: `in_month(m, v, to_date)` is twelve elements with v at month m (and,
 * for a running total, after it), `add_elements` adds two arrays element by element and
 * `elementwise_sum` is its aggregate. Exact (numeric and bigint), and additive, so concurrent
 * applications add to a row as they add to the rollups. Filled from the projection's MONTH rows.
 */
export class MonthRollupsByYear1769000000000 implements MigrationInterface {
  name = 'MonthRollupsByYear1769000000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const type of ['numeric', 'bigint']) {
      await runner.query(
        `CREATE FUNCTION public.in_month(month integer, value ${type}, to_date boolean) RETURNS ${type}[]
           LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
           AS $$ SELECT array_agg(CASE WHEN i = month OR (to_date AND i > month) THEN value ELSE 0 END ORDER BY i)
                   FROM generate_series(1, 12) AS i $$`,
      );
      await runner.query(
        `CREATE FUNCTION public.add_elements(a ${type}[], b ${type}[]) RETURNS ${type}[]
           LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
           AS $$ SELECT array_agg(x + y ORDER BY i) FROM unnest(a, b) WITH ORDINALITY AS u(x, y, i) $$`,
      );
      await runner.query(
        `CREATE AGGREGATE public.elementwise_sum(${type}[]) (sfunc = public.add_elements, stype = ${type}[],
           combinefunc = public.add_elements, parallel = safe)`,
      );
    }
    // A new database's projection has them already (CreateProjection makes today's tables).
    await runner.query(`DROP TABLE IF EXISTS projection.rollup_months, projection.revenue_rollup_months`);
    for (const statement of monthRollupTables('projection')) await runner.query(statement);
    await packAllMonths(runner.manager, 'projection', rollupTablesOf('projection'));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(`DROP TABLE projection.rollup_months, projection.revenue_rollup_months`);
    for (const type of ['numeric', 'bigint']) {
      await runner.query(`DROP AGGREGATE public.elementwise_sum(${type}[])`);
      await runner.query(`DROP FUNCTION public.add_elements(${type}[], ${type}[])`);
      await runner.query(`DROP FUNCTION public.in_month(integer, ${type}, boolean)`);
    }
  }
}
