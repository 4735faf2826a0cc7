import type { Dimension, QueryScope } from '../domain/query-scope';

/** Positional parameters of a statement built in parts: each value added answers with its placeholder. */
export class SqlParameters {
  readonly values: unknown[] = [];

  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The session_fact column of a rollup dimension; none for ALL. */
export function entityColumnOf(dimension: Dimension): 'vehicle_id' | 'station_id' | 'rider_id' | null {
  switch (dimension) {
    case 'VEHICLE':
      return 'vehicle_id';
    case 'STATION':
      return 'station_id';
    case 'RIDER':
      return 'rider_id';
    case 'ALL':
      return null;
  }
}

/** The conditions on session_fact `s` that keep a scope's kind and entity (not its range). */
export function sessionConditions(scope: QueryScope, parameters: SqlParameters): string[] {
  const column = entityColumnOf(scope.dimension);
  return [
    scope.kind ? `s.kind = ${parameters.add(scope.kind)}` : null,
    column && scope.dimensionId ? `s.${column} = ${parameters.add(scope.dimensionId)}::uuid` : null,
    column && !scope.dimensionId ? `s.${column} IS NOT NULL` : null,
  ].filter((condition) => condition !== null);
}
