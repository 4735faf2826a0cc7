import type { MigrationInterface, QueryRunner } from 'typeorm';
import { monthRollupTables } from '../projection/infrastructure/projection-tables';
import { LIVE_SCHEMA, packAllMonths, rollupTablesOf, SWAP_LOCK } from '../projection/infrastructure/projection.store';

/** Month numbers, 1 (January) to 12. */
const MONTHS = Array.from({ length: 12 }, (_, index) => index + 1);

/**
 * The MONTH rollups packed per year (rollup_months, revenue_rollup_months), and the element-wise
 * arithmetic that keeps them: `in_month(m, v, to_date)` is twelve elements with v at month m (and,
 * for a running total, after it), `add_elements` adds two arrays element by element and
 * `elementwise_sum` is its aggregate. Exact (numeric and bigint), and additive, so concurrent
 * applications add to a row as they add to the rollups. Filled from the projection's MONTH rows.
 * Instances of the code before this one add to the rollups alone: stop them before upgrading (or run
 * verify, and a rebuild when it finds the packed rows behind).
 */
export class MonthRollupsByYear1769000000000 implements MigrationInterface {
  name = 'MonthRollupsByYear1769000000000';

  async up(runner: QueryRunner): Promise<void> {
    for (const type of ['numeric', 'bigint']) {
      // Each one expression of twelve elements, no query (unnest and array_agg per call made a
      // projection's load half as fast again).
      await runner.query(
        `CREATE FUNCTION public.in_month(month integer, value ${type}, to_date boolean) RETURNS ${type}[]
           LANGUAGE sql IMMUTABLE PARALLEL SAFE
           AS $$ SELECT ARRAY[${MONTHS.map((i) => `CASE WHEN month = ${i} OR (to_date AND month < ${i}) THEN value ELSE 0 END`).join(', ')}]::${type}[] $$`,
      );
      await runner.query(
        `CREATE FUNCTION public.add_elements(a ${type}[], b ${type}[]) RETURNS ${type}[]
           LANGUAGE sql IMMUTABLE PARALLEL SAFE
           AS $$ SELECT ARRAY[${MONTHS.map((i) => `a[${i}] + b[${i}]`).join(', ')}]::${type}[] $$`,
      );
      await runner.query(
        `CREATE AGGREGATE public.elementwise_sum(${type}[]) (sfunc = public.add_elements, stype = ${type}[],
           initcond = '{0,0,0,0,0,0,0,0,0,0,0,0}', combinefunc = public.add_elements, parallel = safe)`,
      );
    }
    // Packing every MONTH row of a large projection outlasts a request's statement timeout (about 50 s
    // for a million sessions); and no event may be applied meanwhile (an instance of the code before
    // this one would add to the rollups and not to the packed rows): the swap lock, exclusive.
    await runner.query(`SET LOCAL statement_timeout = 0`);
    await runner.query(`SELECT pg_advisory_xact_lock($1)`, [SWAP_LOCK]);
    // A new database's projection has them already (CreateProjection makes today's tables). A rebuild
    // under way gets them too: its switch-over must not take the packed tables away.
    const [{ rebuilding }] = (await runner.query(`SELECT rebuild_schema AS rebuilding FROM projection_state`)) as {
      rebuilding: string | null;
    }[];
    for (const schema of rebuilding ? [LIVE_SCHEMA, rebuilding] : [LIVE_SCHEMA]) {
      await runner.query(`DROP TABLE IF EXISTS ${schema}.rollup_months, ${schema}.revenue_rollup_months`);
      for (const statement of monthRollupTables(schema)) await runner.query(statement);
      await packAllMonths(runner.manager, schema, rollupTablesOf(schema));
    }
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
