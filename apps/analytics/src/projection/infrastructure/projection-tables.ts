/**
 * The projection's tables, created in a schema of their own: `projection` is the one queries read;
 * a rebuild fills a fresh copy in another schema and swaps the two in one transaction.
 *
 * - session_fact: one row per finalized session, as session.finalized.v1 fixed it (immutable).
 * - billing_fact: the newest billing of a session (highest revision of billing.calculated.v2), which
 *   may arrive before its session.
 * - rollup / revenue_rollup: sums of the sessions that ended in a UTC bucket, at four levels (15M,
 *   HOUR, DAY, MONTH) and four dimensions (ALL, VEHICLE, STATION, RIDER; dim_id is the nil UUID for
 *   ALL), per kind (and per currency for revenue). A session counts once it has a session_fact; its
 *   billing moves it from unpriced to priced and adds its revenue.
 * - rollup_months / revenue_rollup_months: the MONTH rows again, one row per (dim, dim_id, kind[,
 *   currency], UTC year) holding the year's twelve months as arrays (month 1 first), so a grouped
 *   monthly series reads a row per group and year instead of one per group and month; the `_to_date`
 *   arrays hold the year's running totals, so the sum of any run of months is two elements.
 */
export function projectionTables(schema: string): string[] {
  return [
    `CREATE SCHEMA ${schema}`,
    `CREATE TABLE ${schema}.session_fact (
       session_id uuid PRIMARY KEY,
       kind text NOT NULL CHECK (kind IN ('RIDE', 'CHARGING')),
       vehicle_id uuid NOT NULL,
       rider_id uuid,
       station_id uuid,
       started_at timestamptz NOT NULL,
       ended_at timestamptz NOT NULL,
       duration_s bigint NOT NULL CHECK (duration_s >= 0),
       energy_wh numeric NOT NULL CHECK (energy_wh >= 0),
       distance_m numeric NOT NULL CHECK (distance_m >= 0),
       applied_at timestamptz NOT NULL DEFAULT now()
     )`,
    `CREATE INDEX session_fact_by_end ON ${schema}.session_fact (ended_at, session_id)`,
    `CREATE INDEX session_fact_by_vehicle ON ${schema}.session_fact (vehicle_id, ended_at, session_id)`,
    `CREATE INDEX session_fact_by_station ON ${schema}.session_fact (station_id, ended_at, session_id) WHERE station_id IS NOT NULL`,
    `CREATE INDEX session_fact_by_rider ON ${schema}.session_fact (rider_id, ended_at, session_id) WHERE rider_id IS NOT NULL`,
    `CREATE TABLE ${schema}.billing_fact (
       session_id uuid PRIMARY KEY,
       revision integer NOT NULL CHECK (revision >= 1),
       status text NOT NULL CHECK (status IN ('PRICED', 'UNPRICED')),
       currency text,
       total_excl_vat numeric,
       total_vat numeric,
       total_incl_vat numeric,
       applied_at timestamptz NOT NULL DEFAULT now(),
       CONSTRAINT billing_fact_priced CHECK ((status = 'PRICED') = (currency IS NOT NULL AND total_excl_vat IS NOT NULL
         AND total_vat IS NOT NULL AND total_incl_vat IS NOT NULL))
     )`,
    `CREATE TABLE ${schema}.rollup (
       level text NOT NULL CHECK (level IN ('15M', 'HOUR', 'DAY', 'MONTH')),
       dim text NOT NULL CHECK (dim IN ('ALL', 'VEHICLE', 'STATION', 'RIDER')),
       dim_id uuid NOT NULL,
       kind text NOT NULL CHECK (kind IN ('RIDE', 'CHARGING')),
       bucket timestamptz NOT NULL,
       sessions bigint NOT NULL,
       priced bigint NOT NULL,
       energy_wh numeric NOT NULL,
       distance_m numeric NOT NULL,
       duration_s bigint NOT NULL,
       PRIMARY KEY (level, dim, dim_id, kind, bucket)
     )`,
    `CREATE TABLE ${schema}.revenue_rollup (
       level text NOT NULL CHECK (level IN ('15M', 'HOUR', 'DAY', 'MONTH')),
       dim text NOT NULL CHECK (dim IN ('ALL', 'VEHICLE', 'STATION', 'RIDER')),
       dim_id uuid NOT NULL,
       kind text NOT NULL CHECK (kind IN ('RIDE', 'CHARGING')),
       currency text NOT NULL,
       bucket timestamptz NOT NULL,
       sessions bigint NOT NULL,
       excl_vat numeric NOT NULL,
       vat numeric NOT NULL,
       incl_vat numeric NOT NULL,
       PRIMARY KEY (level, dim, dim_id, kind, currency, bucket)
     )`,
    ...rollupIndexes(schema),
    ...monthRollupTables(schema),
  ];
}

/** The rollups' MONTH rows packed per year (see projectionTables). */
export function monthRollupTables(schema: string): string[] {
  const twelve = (column: string) => `${column} NOT NULL CHECK (cardinality(${column.split(' ')[0]}) = 12)`;
  return [
    `CREATE TABLE ${schema}.rollup_months (
       dim text NOT NULL,
       dim_id uuid NOT NULL,
       kind text NOT NULL,
       year integer NOT NULL,
       ${twelve('sessions bigint[]')},
       ${twelve('priced bigint[]')},
       ${twelve('energy_wh numeric[]')},
       ${twelve('distance_m numeric[]')},
       ${twelve('duration_s bigint[]')},
       ${twelve('sessions_to_date bigint[]')},
       ${twelve('energy_wh_to_date numeric[]')},
       PRIMARY KEY (dim, year, dim_id, kind)
     )`,
    `CREATE TABLE ${schema}.revenue_rollup_months (
       dim text NOT NULL,
       dim_id uuid NOT NULL,
       kind text NOT NULL,
       currency text NOT NULL,
       year integer NOT NULL,
       ${twelve('sessions bigint[]')},
       ${twelve('excl_vat numeric[]')},
       ${twelve('vat numeric[]')},
       ${twelve('incl_vat numeric[]')},
       PRIMARY KEY (dim, year, dim_id, kind, currency)
     )`,
  ];
}

/**
 * A grouped answer reads every group's buckets of a range: by time first, not by group, and from the
 * index alone (it carries the sums), so the thousands of rows of a two-year series cost no heap reads.
 */
export function rollupIndexes(schema: string): string[] {
  return [
    `CREATE INDEX rollup_by_bucket ON ${schema}.rollup (dim, level, bucket)
       INCLUDE (dim_id, kind, sessions, priced, energy_wh, distance_m, duration_s)`,
    `CREATE INDEX revenue_rollup_by_bucket ON ${schema}.revenue_rollup (dim, level, bucket)
       INCLUDE (dim_id, kind, currency, sessions, excl_vat, vat, incl_vat)`,
  ];
}
