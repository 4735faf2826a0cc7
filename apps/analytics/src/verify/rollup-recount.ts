import type { EntityManager } from 'typeorm';
import type { AnalyticsDifference } from '@chargeflow/contracts';
import { packedMonths, recountedRevenue, recountedRollups } from '../projection/infrastructure/projection.store';

/** A reply lists at most this many differences; a projection that far off wants a rebuild, not a longer list. */
export const MAX_DIFFERENCES = 1_000;

const ROLLUP_KEY = ['level', 'dim', 'dim_id', 'kind', 'bucket'];
const ROLLUP_FIGURES = ['sessions', 'priced', 'energy_wh', 'distance_m', 'duration_s'];
const REVENUE_KEY = ['level', 'dim', 'dim_id', 'kind', 'currency', 'bucket'];
const REVENUE_FIGURES = ['sessions', 'excl_vat', 'vat', 'incl_vat'];
const COUNTS = new Set(['sessions', 'priced', 'duration_s']);
const MONTHS_KEY = ['dim', 'dim_id', 'kind', 'year'];
const MONTHS_FIGURES = [...ROLLUP_FIGURES, 'sessions_to_date', 'energy_wh_to_date'];
const REVENUE_MONTHS_KEY = ['dim', 'dim_id', 'kind', 'currency', 'year'];

export interface RecountReport {
  checkedBuckets: number;
  differences: AnalyticsDifference[];
}

/**
 * Recounts every rollup and revenue_rollup row of a schema from its own facts, set-based, and the
 * packed months from the recounted MONTH rows, and lists each figure that differs. A stored row at
 * zero everywhere equals a missing one.
 */
export async function recountRollups(manager: EntityManager, schema: string): Promise<RecountReport> {
  const rollups = await compare(
    manager,
    'rollup',
    recountedRollups(schema),
    `${schema}.rollup`,
    ROLLUP_KEY,
    ROLLUP_FIGURES,
  );
  const revenue = await compare(
    manager,
    'revenue_rollup',
    recountedRevenue(schema),
    `${schema}.revenue_rollup`,
    REVENUE_KEY,
    REVENUE_FIGURES,
  );
  const months = await compare(
    manager,
    'rollup_months',
    packedMonths('rollup', `(${recountedRollups(schema)}) m`),
    `${schema}.rollup_months`,
    MONTHS_KEY,
    MONTHS_FIGURES,
    TWELVE,
  );
  const revenueMonths = await compare(
    manager,
    'revenue_rollup_months',
    packedMonths('revenue_rollup', `(${recountedRevenue(schema)}) m`),
    `${schema}.revenue_rollup_months`,
    REVENUE_MONTHS_KEY,
    REVENUE_FIGURES,
    TWELVE,
  );
  const reports = [rollups, revenue, months, revenueMonths];
  return {
    checkedBuckets: reports.reduce((sum, report) => sum + report.checkedBuckets, 0),
    differences: reports.flatMap((report) => report.differences).slice(0, MAX_DIFFERENCES),
  };
}

/** How a figure is zero, is compared as nonzero, and is reported: a number, or twelve months as text. */
interface FigureShape {
  zero: string;
  nonZero(figure: string): string;
  value(figure: string, text: string): number | string;
}

const SCALAR: FigureShape = {
  zero: '0',
  nonZero: (figure) => `${figure} <> 0`,
  value: (figure, text) => (COUNTS.has(figure) ? Number(text) : text),
};

const TWELVE: FigureShape = {
  zero: `'{0,0,0,0,0,0,0,0,0,0,0,0}'`,
  nonZero: (figure) => `0 <> ANY(${figure})`,
  value: (_figure, text) => text,
};

async function compare(
  manager: EntityManager,
  table: string,
  recount: string,
  stored: string,
  key: string[],
  figures: string[],
  shape: FigureShape = SCALAR,
): Promise<RecountReport> {
  const nonZero = figures.map(shape.nonZero).join(' OR ');
  const tuple = (alias: string) => `(${figures.map((figure) => `${alias}.${figure}`).join(', ')})`;
  const [{ checked }] = (await manager.query(
    `SELECT count(*)::int AS checked FROM (SELECT ${key.join(', ')} FROM (${recount}) e
       UNION SELECT ${key.join(', ')} FROM ${stored} WHERE ${nonZero}) k`,
  )) as { checked: number }[];
  const rows = (await manager.query(
    `SELECT ${key.map((column) => `${column}::text AS "${column}"`).join(', ')},
            ${figures
              .map(
                (
                  figure,
                ) => `coalesce(e.${figure}, ${shape.zero})::text AS "e_${figure}", coalesce(f.${figure}, ${shape.zero})::text AS "f_${figure}",
              coalesce(e.${figure}, ${shape.zero}) <> coalesce(f.${figure}, ${shape.zero}) AS "d_${figure}"`,
              )
              .join(', ')}
       FROM (${recount}) e
       FULL JOIN (SELECT * FROM ${stored} WHERE ${nonZero}) f USING (${key.join(', ')})
      WHERE ${tuple('e')} IS DISTINCT FROM ${tuple('f')}
      ORDER BY ${key.join(', ')}
      LIMIT ${MAX_DIFFERENCES}`,
  )) as Record<string, string | boolean>[];
  const differences = rows.flatMap((row) => {
    const where = `${table} ${key.map((column) => String(row[column])).join(' ')}`;
    return figures
      .filter((figure) => row[`d_${figure}`] === true)
      .map((figure) => ({
        what: `${where} ${figure}`,
        expected: shape.value(figure, String(row[`e_${figure}`])),
        found: shape.value(figure, String(row[`f_${figure}`])),
      }));
  });
  return { checkedBuckets: checked, differences };
}
