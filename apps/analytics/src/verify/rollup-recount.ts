import type { EntityManager } from 'typeorm';
import type { AnalyticsDifference } from '@chargeflow/contracts';
import { recountedRevenue, recountedRollups } from '../projection/infrastructure/projection.store';

/** A reply lists at most this many differences; a projection that far off wants a rebuild, not a longer list. */
export const MAX_DIFFERENCES = 1_000;

const ROLLUP_KEY = ['level', 'dim', 'dim_id', 'kind', 'bucket'];
const ROLLUP_FIGURES = ['sessions', 'priced', 'energy_wh', 'distance_m', 'duration_s'];
const REVENUE_KEY = ['level', 'dim', 'dim_id', 'kind', 'currency', 'bucket'];
const REVENUE_FIGURES = ['sessions', 'excl_vat', 'vat', 'incl_vat'];
const COUNTS = new Set(['sessions', 'priced', 'duration_s']);

export interface RecountReport {
  checkedBuckets: number;
  differences: AnalyticsDifference[];
}

/**
 * Recounts every rollup and revenue_rollup row of a schema from its own facts, set-based, and lists
 * each figure that differs. A stored row at zero everywhere equals a missing one.
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
  return {
    checkedBuckets: rollups.checkedBuckets + revenue.checkedBuckets,
    differences: [...rollups.differences, ...revenue.differences].slice(0, MAX_DIFFERENCES),
  };
}

async function compare(
  manager: EntityManager,
  table: string,
  recount: string,
  stored: string,
  key: string[],
  figures: string[],
): Promise<RecountReport> {
  const nonZero = figures.map((figure) => `${figure} <> 0`).join(' OR ');
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
                ) => `coalesce(e.${figure}, 0)::text AS "e_${figure}", coalesce(f.${figure}, 0)::text AS "f_${figure}",
              coalesce(e.${figure}, 0) <> coalesce(f.${figure}, 0) AS "d_${figure}"`,
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
        expected: valueOf(figure, String(row[`e_${figure}`])),
        found: valueOf(figure, String(row[`f_${figure}`])),
      }));
  });
  return { checkedBuckets: checked, differences };
}

/** Counts as integers, sums as exact decimal strings. */
function valueOf(figure: string, text: string): number | string {
  return COUNTS.has(figure) ? Number(text) : text;
}
