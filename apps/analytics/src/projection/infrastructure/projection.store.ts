import type { EntityManager } from 'typeorm';
import type { BillingFact, Contribution, SessionFact } from '../domain/contribution';

/** The schema queries read; a rebuild fills another and renames it to this one. */
export const LIVE_SCHEMA = 'projection';

/**
 * Advisory lock keys. Every event application takes SWAP_LOCK shared; a rebuild's switch-over takes it
 * exclusive, so no event is applied half before and half after the swap. REBUILD_RUN_LOCK is held by
 * the one instance that runs a rebuild. SESSION_LOCK_SPACE namespaces the per-session locks.
 */
export const SWAP_LOCK = 7_110_001;
export const REBUILD_RUN_LOCK = 7_110_002;
const SESSION_LOCK_SPACE = 7_110;

export interface SessionFactRow extends SessionFact {
  startedAt: Date;
}

export interface BillingFactRow extends BillingFact {
  sessionId: string;
}

/**
 * Serialises the events of a session across instances, and holds a switch-over off until committed.
 * A batch takes its sessions' locks in one order (by key), so two batches never wait on each other in a circle.
 */
export async function lockForEvents(manager: EntityManager, sessionIds: string[]): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock_shared($1)`, [SWAP_LOCK]);
  await manager.query(
    `SELECT pg_advisory_xact_lock($1, key) FROM (SELECT DISTINCT hashtext(id) AS key FROM unnest($2::text[]) AS id) AS keys
      ORDER BY key`,
    [SESSION_LOCK_SPACE, sessionIds],
  );
}

/**
 * The two rollup tables an event's contribution is added to, schema-qualified, and the schema whose
 * packed MONTH rows (rollup_months, revenue_rollup_months) it is added to as well (null: not now).
 */
export interface RollupTables {
  rollup: string;
  revenue: string;
  months: string | null;
}

/** A schema an event is applied to: its facts always, its contribution to `rollups` when there are any. */
export interface ProjectionTarget {
  schema: string;
  rollups: RollupTables | null;
}

export const rollupTablesOf = (schema: string): RollupTables => ({
  rollup: `${schema}.rollup`,
  revenue: `${schema}.revenue_rollup`,
  months: schema,
});

/**
 * Where a rebuild that is counting its rollups takes the contributions of the events applied
 * meanwhile: tables of their own, added to its rollups (and their MONTH rows to its packed months)
 * at the switch-over.
 */
export const rollupDeltaTablesOf = (schema: string): RollupTables => ({
  rollup: `${schema}.rollup_delta`,
  revenue: `${schema}.revenue_rollup_delta`,
  months: null,
});

/**
 * The live projection, and the schema a running rebuild fills: it takes the facts applied meanwhile
 * too, and once it counts its rollups, their contributions in its delta tables.
 */
export async function targetsOf(manager: EntityManager): Promise<ProjectionTarget[]> {
  const [row] = (await manager.query(
    `SELECT rebuild_schema AS schema, rebuild_rollups AS rollups FROM projection_state`,
  )) as { schema: string | null; rollups: boolean }[];
  const live = { schema: LIVE_SCHEMA, rollups: rollupTablesOf(LIVE_SCHEMA) };
  if (!row?.schema) return [live];
  return [live, { schema: row.schema, rollups: row.rollups ? rollupDeltaTablesOf(row.schema) : null }];
}

/**
 * Inserts the sessions not yet known, in session order (as every writer of facts does, so two never
 * wait on each other in a circle); resolves the ids inserted.
 */
export async function insertSessions(
  manager: EntityManager,
  schema: string,
  facts: SessionFactRow[],
): Promise<string[]> {
  if (facts.length === 0) return [];
  const rows = (await manager.query(
    `INSERT INTO ${schema}.session_fact
       (session_id, kind, vehicle_id, rider_id, station_id, started_at, ended_at, duration_s, energy_wh, distance_m)
     SELECT * FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::timestamptz[],
       $7::timestamptz[], $8::bigint[], $9::numeric[], $10::numeric[]) ORDER BY 1
     ON CONFLICT (session_id) DO NOTHING
     RETURNING session_id AS "sessionId"`,
    [
      facts.map((fact) => fact.sessionId),
      facts.map((fact) => fact.kind),
      facts.map((fact) => fact.vehicleId),
      facts.map((fact) => fact.riderId),
      facts.map((fact) => fact.stationId),
      facts.map((fact) => fact.startedAt.toISOString()),
      facts.map((fact) => fact.endedAt.toISOString()),
      facts.map((fact) => fact.durationS),
      facts.map((fact) => fact.energyWh),
      facts.map((fact) => fact.distanceM),
    ],
  )) as { sessionId: string }[];
  return rows.map((row) => row.sessionId);
}

/** Stores billings whose revision is newer than the one kept (or the first), in session order; resolves the ids stored. */
export async function upsertBillings(
  manager: EntityManager,
  schema: string,
  billings: BillingFactRow[],
): Promise<string[]> {
  if (billings.length === 0) return [];
  const rows = (await manager.query(
    `INSERT INTO ${schema}.billing_fact (session_id, revision, status, currency, total_excl_vat, total_vat, total_incl_vat)
     SELECT DISTINCT ON (session_id) *
       FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::numeric[], $6::numeric[], $7::numeric[])
         AS t(session_id, revision, status, currency, total_excl_vat, total_vat, total_incl_vat)
      ORDER BY session_id, revision DESC
     ON CONFLICT (session_id) DO UPDATE SET revision = EXCLUDED.revision, status = EXCLUDED.status,
       currency = EXCLUDED.currency, total_excl_vat = EXCLUDED.total_excl_vat, total_vat = EXCLUDED.total_vat,
       total_incl_vat = EXCLUDED.total_incl_vat, applied_at = now()
     WHERE billing_fact.revision < EXCLUDED.revision
     RETURNING session_id AS "sessionId"`,
    [
      billings.map((billing) => billing.sessionId),
      billings.map((billing) => billing.revision),
      billings.map((billing) => billing.status),
      billings.map((billing) => billing.currency),
      billings.map((billing) => billing.totalExclVat),
      billings.map((billing) => billing.totalVat),
      billings.map((billing) => billing.totalInclVat),
    ],
  )) as { sessionId: string }[];
  return rows.map((row) => row.sessionId);
}

/** The sessions of these ids the schema keeps. */
export async function findSessions(
  manager: EntityManager,
  schema: string,
  sessionIds: string[],
): Promise<SessionFactRow[]> {
  if (sessionIds.length === 0) return [];
  return (await manager.query(
    `SELECT session_id AS "sessionId", kind, vehicle_id AS "vehicleId", rider_id AS "riderId", station_id AS "stationId",
            started_at AS "startedAt", ended_at AS "endedAt", duration_s::int AS "durationS",
            energy_wh::text AS "energyWh", distance_m::text AS "distanceM"
       FROM ${schema}.session_fact WHERE session_id = ANY($1::uuid[])`,
    [sessionIds],
  )) as SessionFactRow[];
}

/** The billings the schema keeps for these sessions. */
export async function findBillings(
  manager: EntityManager,
  schema: string,
  sessionIds: string[],
): Promise<BillingFactRow[]> {
  if (sessionIds.length === 0) return [];
  return (await manager.query(
    `SELECT session_id AS "sessionId", revision, status, currency, total_excl_vat::text AS "totalExclVat",
            total_vat::text AS "totalVat", total_incl_vat::text AS "totalInclVat"
       FROM ${schema}.billing_fact WHERE session_id = ANY($1::uuid[])`,
    [sessionIds],
  )) as BillingFactRow[];
}

/** What adding to an existing rollup row does: every sum grows by the added one. */
const ADD_TO_ROLLUP = `ON CONFLICT (level, dim, dim_id, kind, bucket) DO UPDATE SET sessions = r.sessions + EXCLUDED.sessions,
  priced = r.priced + EXCLUDED.priced, energy_wh = r.energy_wh + EXCLUDED.energy_wh,
  distance_m = r.distance_m + EXCLUDED.distance_m, duration_s = r.duration_s + EXCLUDED.duration_s`;
const ADD_TO_REVENUE = `ON CONFLICT (level, dim, dim_id, kind, currency, bucket) DO UPDATE SET sessions = r.sessions + EXCLUDED.sessions,
  excl_vat = r.excl_vat + EXCLUDED.excl_vat, vat = r.vat + EXCLUDED.vat, incl_vat = r.incl_vat + EXCLUDED.incl_vat`;

/** Adds a contribution to rollup tables: one statement per table, whatever the number of rows. */
export async function addToRollups(
  manager: EntityManager,
  tables: RollupTables,
  { rollups, revenue }: Contribution,
): Promise<void> {
  if (rollups.length > 0)
    await manager.query(
      `INSERT INTO ${tables.rollup} AS r (level, dim, dim_id, kind, bucket, sessions, priced, energy_wh, distance_m, duration_s)
       SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::timestamptz[], $6::bigint[], $7::bigint[],
         $8::numeric[], $9::numeric[], $10::bigint[])
       ${ADD_TO_ROLLUP}`,
      [
        rollups.map((row) => row.level),
        rollups.map((row) => row.dim),
        rollups.map((row) => row.dimId),
        rollups.map((row) => row.kind),
        rollups.map((row) => row.bucket.toISOString()),
        rollups.map((row) => row.sessions),
        rollups.map((row) => row.priced),
        rollups.map((row) => row.energyWh.toFixed()),
        rollups.map((row) => row.distanceM.toFixed()),
        rollups.map((row) => row.durationS),
      ],
    );
  const monthRows = rollups.filter((row) => row.level === 'MONTH');
  if (tables.months && monthRows.length > 0)
    await addPackedMonths(
      manager,
      tables.months,
      'rollup',
      `unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::timestamptz[], $6::bigint[], $7::bigint[],
         $8::numeric[], $9::numeric[], $10::bigint[])
         AS m(level, dim, dim_id, kind, bucket, sessions, priced, energy_wh, distance_m, duration_s)`,
      [
        monthRows.map((row) => row.level),
        monthRows.map((row) => row.dim),
        monthRows.map((row) => row.dimId),
        monthRows.map((row) => row.kind),
        monthRows.map((row) => row.bucket.toISOString()),
        monthRows.map((row) => row.sessions),
        monthRows.map((row) => row.priced),
        monthRows.map((row) => row.energyWh.toFixed()),
        monthRows.map((row) => row.distanceM.toFixed()),
        monthRows.map((row) => row.durationS),
      ],
    );
  if (revenue.length > 0)
    await manager.query(
      `INSERT INTO ${tables.revenue} AS r (level, dim, dim_id, kind, currency, bucket, sessions, excl_vat, vat, incl_vat)
       SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[], $7::bigint[],
         $8::numeric[], $9::numeric[], $10::numeric[])
       ${ADD_TO_REVENUE}`,
      [
        revenue.map((row) => row.level),
        revenue.map((row) => row.dim),
        revenue.map((row) => row.dimId),
        revenue.map((row) => row.kind),
        revenue.map((row) => row.currency),
        revenue.map((row) => row.bucket.toISOString()),
        revenue.map((row) => row.sessions),
        revenue.map((row) => row.exclVat.toFixed()),
        revenue.map((row) => row.vat.toFixed()),
        revenue.map((row) => row.inclVat.toFixed()),
      ],
    );
  const monthRevenue = revenue.filter((row) => row.level === 'MONTH');
  if (tables.months && monthRevenue.length > 0)
    await addPackedMonths(
      manager,
      tables.months,
      'revenue_rollup',
      `unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::text[], $6::timestamptz[], $7::bigint[],
         $8::numeric[], $9::numeric[], $10::numeric[])
         AS m(level, dim, dim_id, kind, currency, bucket, sessions, excl_vat, vat, incl_vat)`,
      [
        monthRevenue.map((row) => row.level),
        monthRevenue.map((row) => row.dim),
        monthRevenue.map((row) => row.dimId),
        monthRevenue.map((row) => row.kind),
        monthRevenue.map((row) => row.currency),
        monthRevenue.map((row) => row.bucket.toISOString()),
        monthRevenue.map((row) => row.sessions),
        monthRevenue.map((row) => row.exclVat.toFixed()),
        monthRevenue.map((row) => row.vat.toFixed()),
        monthRevenue.map((row) => row.inclVat.toFixed()),
      ],
    );
}

/** The keys and sums of each rollup table's packed months, and the sums whose running totals they keep. */
const MONTH_PACKS = {
  rollup: {
    table: 'rollup_months',
    keys: ['dim', 'dim_id', 'kind'],
    sums: ['sessions', 'priced', 'energy_wh', 'distance_m', 'duration_s'],
    toDate: ['sessions', 'energy_wh'],
  },
  revenue_rollup: {
    table: 'revenue_rollup_months',
    keys: ['dim', 'dim_id', 'kind', 'currency'],
    sums: ['sessions', 'excl_vat', 'vat', 'incl_vat'],
    toDate: [],
  },
} as const;

export type PackedRollupTable = keyof typeof MONTH_PACKS;

/** The MONTH rows of `source` (a FROM item aliased m, with the rollup table's columns), packed per year, in key order. */
export function packedMonths(table: PackedRollupTable, source: string): string {
  const { keys, sums, toDate } = MONTH_PACKS[table];
  const month = `extract(month FROM m.bucket AT TIME ZONE 'UTC')::int`;
  const arrays = [
    ...sums.map((sum) => `public.elementwise_sum(public.in_month(${month}, m.${sum}, false)) AS ${sum}`),
    ...toDate.map((sum) => `public.elementwise_sum(public.in_month(${month}, m.${sum}, true)) AS ${sum}_to_date`),
  ];
  const key = [...keys.map((column) => `m.${column}`), 'year'].join(', ');
  return `SELECT ${keys.map((column) => `m.${column}`).join(', ')}, extract(year FROM m.bucket AT TIME ZONE 'UTC')::int AS year,
            ${arrays.join(', ')}
       FROM ${source} WHERE m.level = 'MONTH'
      GROUP BY ${key} ORDER BY ${key}`;
}

/**
 * Adds the MONTH rows of `source` (see packedMonths) to `schema`'s packed months of `table`, element
 * by element, in key order (as the rollups are added to).
 */
export async function addPackedMonths(
  manager: EntityManager,
  schema: string,
  table: PackedRollupTable,
  source: string,
  parameters: unknown[] = [],
): Promise<void> {
  const { keys, sums, toDate } = MONTH_PACKS[table];
  const arrays = [...sums, ...toDate.map((sum) => `${sum}_to_date`)];
  await manager.query(
    `INSERT INTO ${schema}.${MONTH_PACKS[table].table} AS r (${[...keys, 'year', ...arrays].join(', ')})
     ${packedMonths(table, source)}
     ON CONFLICT (dim, year, ${keys.slice(1).join(', ')}) DO UPDATE SET
       ${arrays.map((array) => `${array} = public.add_elements(r.${array}, EXCLUDED.${array})`).join(', ')}`,
    parameters,
  );
}

/** Every rollup table's MONTH rows of `from` added to the packed months of `schema`. */
export async function packAllMonths(manager: EntityManager, schema: string, from: RollupTables): Promise<void> {
  await addPackedMonths(manager, schema, 'rollup', `${from.rollup} m`);
  await addPackedMonths(manager, schema, 'revenue_rollup', `${from.revenue} m`);
}

/** Creates a rebuild's delta tables, each of the definition of the rollup table it is added to. */
export async function createRollupDeltas(manager: EntityManager, schema: string): Promise<void> {
  const [live, delta] = [rollupTablesOf(schema), rollupDeltaTablesOf(schema)];
  await manager.query(`CREATE TABLE ${delta.rollup} (LIKE ${live.rollup} INCLUDING ALL)`);
  await manager.query(`CREATE TABLE ${delta.revenue} (LIKE ${live.revenue} INCLUDING ALL)`);
}

/** Adds a rebuild's delta tables to its rollups and drops them. */
export async function mergeRollupDeltas(manager: EntityManager, schema: string): Promise<void> {
  const [live, delta] = [rollupTablesOf(schema), rollupDeltaTablesOf(schema)];
  await manager.query(`INSERT INTO ${live.rollup} AS r SELECT * FROM ${delta.rollup} ${ADD_TO_ROLLUP}`);
  await manager.query(`INSERT INTO ${live.revenue} AS r SELECT * FROM ${delta.revenue} ${ADD_TO_REVENUE}`);
  await packAllMonths(manager, schema, delta);
  await manager.query(`DROP TABLE ${delta.rollup}, ${delta.revenue}`);
}

/** Records the newest event applied; only a newer one writes, so concurrent events rarely contend. */
export async function recordApplied(manager: EntityManager, occurredAt: string): Promise<void> {
  await manager.query(
    `UPDATE projection_state SET last_event_occurred_at = $1, last_applied_at = now()
      WHERE last_event_occurred_at IS NULL OR last_event_occurred_at < $1`,
    [occurredAt],
  );
}

const LEVEL_BUCKETS = `(VALUES
    ('15M', date_bin('15 minutes', s.ended_at, TIMESTAMPTZ '2000-01-01T00:00:00Z')),
    ('HOUR', date_trunc('hour', s.ended_at, 'UTC')),
    ('DAY', date_trunc('day', s.ended_at, 'UTC')),
    ('MONTH', date_trunc('month', s.ended_at, 'UTC'))) AS l(level, bucket)`;
const DIMS = `(VALUES
    ('ALL', '00000000-0000-0000-0000-000000000000'::uuid),
    ('VEHICLE', s.vehicle_id),
    ('STATION', CASE WHEN s.kind = 'CHARGING' THEN s.station_id END),
    ('RIDER', s.rider_id)) AS d(dim, dim_id)`;

/** The rollups recounted from a schema's facts, set-based: the same rules as contributionOf. */
export function recountedRollups(schema: string): string {
  return `SELECT l.level, d.dim, d.dim_id, s.kind, l.bucket, count(*)::bigint AS sessions,
          (count(*) FILTER (WHERE b.status = 'PRICED'))::bigint AS priced,
          sum(s.energy_wh) AS energy_wh, sum(s.distance_m) AS distance_m, sum(s.duration_s)::bigint AS duration_s
     FROM ${schema}.session_fact s LEFT JOIN ${schema}.billing_fact b USING (session_id)
    CROSS JOIN LATERAL ${LEVEL_BUCKETS} CROSS JOIN LATERAL ${DIMS}
    WHERE d.dim_id IS NOT NULL
    GROUP BY l.level, d.dim, d.dim_id, s.kind, l.bucket`;
}

export function recountedRevenue(schema: string): string {
  return `SELECT l.level, d.dim, d.dim_id, s.kind, b.currency, l.bucket, count(*)::bigint AS sessions,
          sum(b.total_excl_vat) AS excl_vat, sum(b.total_vat) AS vat, sum(b.total_incl_vat) AS incl_vat
     FROM ${schema}.session_fact s JOIN ${schema}.billing_fact b USING (session_id)
    CROSS JOIN LATERAL ${LEVEL_BUCKETS} CROSS JOIN LATERAL ${DIMS}
    WHERE d.dim_id IS NOT NULL AND b.status = 'PRICED'
    GROUP BY l.level, d.dim, d.dim_id, s.kind, b.currency, l.bucket`;
}
