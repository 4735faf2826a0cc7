import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { SessionKind } from '@chargeflow/contracts';
import { packAllMonths, rollupTablesOf } from '../src/projection/infrastructure/projection.store';

export interface SeededBilling {
  status: 'PRICED' | 'UNPRICED';
  currency?: string;
  exclVat?: string;
  vat?: string;
  inclVat?: string;
}

export interface SeededSession {
  sessionId: string;
  kind: SessionKind;
  vehicleId: string;
  riderId: string | null;
  stationId: string | null;
  endedAt: string;
  durationS: number;
  energyWh: string;
  distanceM: string;
  billing: SeededBilling | null;
}

type Entities = { vehicleId: string } & ({ riderId: string } | { stationId: string });

/** A finalized session as the projection stores it: a ride with a rider, or a charge at a station. */
export function aSession(entities: Entities, overrides: Partial<SeededSession> & { endedAt: string }): SeededSession {
  const isRide = 'riderId' in entities;
  return {
    sessionId: randomUUID(),
    kind: isRide ? 'RIDE' : 'CHARGING',
    vehicleId: entities.vehicleId,
    riderId: isRide ? entities.riderId : null,
    stationId: isRide ? null : entities.stationId,
    durationS: 60,
    energyWh: '1',
    distanceM: isRide ? '1' : '0',
    billing: null,
    ...overrides,
  };
}

export const priced = (currency: string, exclVat: string, vat: string, inclVat: string): SeededBilling => ({
  status: 'PRICED',
  currency,
  exclVat,
  vat,
  inclVat,
});

/** Writes the facts of the sessions and their billing as the projection does. */
export async function seedSessions(dataSource: DataSource, sessions: SeededSession[]): Promise<void> {
  for (const session of sessions) {
    await dataSource.query(
      `INSERT INTO projection.session_fact (session_id, kind, vehicle_id, rider_id, station_id, started_at, ended_at,
         duration_s, energy_wh, distance_m)
       VALUES ($1, $2, $3, $4, $5, $6::timestamptz - make_interval(secs => $7), $6, $7, $8, $9)`,
      [
        session.sessionId,
        session.kind,
        session.vehicleId,
        session.riderId,
        session.stationId,
        session.endedAt,
        session.durationS,
        session.energyWh,
        session.distanceM,
      ],
    );
    if (!session.billing) continue;
    const { status, currency, exclVat, vat, inclVat } = session.billing;
    await dataSource.query(
      `INSERT INTO projection.billing_fact (session_id, revision, status, currency, total_excl_vat, total_vat, total_incl_vat)
       VALUES ($1, 1, $2, $3, $4, $5, $6)`,
      [session.sessionId, status, currency ?? null, exclVat ?? null, vat ?? null, inclVat ?? null],
    );
  }
}

const BUCKET = `CASE l.level
    WHEN '15M' THEN to_timestamp(floor(extract(epoch FROM s.ended_at) / 900) * 900)
    WHEN 'HOUR' THEN date_trunc('hour', s.ended_at, 'UTC')
    WHEN 'DAY' THEN date_trunc('day', s.ended_at, 'UTC')
    ELSE date_trunc('month', s.ended_at, 'UTC') END`;

const KEYS = `FROM projection.session_fact s
  LEFT JOIN projection.billing_fact b ON b.session_id = s.session_id
  CROSS JOIN LATERAL (VALUES ('ALL', '00000000-0000-0000-0000-000000000000'::uuid), ('VEHICLE', s.vehicle_id),
    ('STATION', s.station_id), ('RIDER', s.rider_id)) AS d(dim, dim_id)
  CROSS JOIN (VALUES ('15M'), ('HOUR'), ('DAY'), ('MONTH')) AS l(level)
  WHERE d.dim_id IS NOT NULL`;

/** Recounts every rollup from the facts, at every level and dimension, as the projection maintains them. */
export async function rollUp(dataSource: DataSource): Promise<void> {
  await dataSource.query(`DELETE FROM projection.rollup`);
  await dataSource.query(`DELETE FROM projection.revenue_rollup`);
  await dataSource.query(`DELETE FROM projection.rollup_months`);
  await dataSource.query(`DELETE FROM projection.revenue_rollup_months`);
  await dataSource.query(
    `INSERT INTO projection.rollup (level, dim, dim_id, kind, bucket, sessions, priced, energy_wh, distance_m, duration_s)
     SELECT l.level, d.dim, d.dim_id, s.kind, ${BUCKET}, count(*), count(*) FILTER (WHERE b.status = 'PRICED'),
            sum(s.energy_wh), sum(s.distance_m), sum(s.duration_s)
       ${KEYS}
      GROUP BY 1, 2, 3, 4, 5`,
  );
  await dataSource.query(
    `INSERT INTO projection.revenue_rollup (level, dim, dim_id, kind, currency, bucket, sessions, excl_vat, vat, incl_vat)
     SELECT l.level, d.dim, d.dim_id, s.kind, b.currency, ${BUCKET}, count(*), sum(b.total_excl_vat), sum(b.total_vat),
            sum(b.total_incl_vat)
       ${KEYS} AND b.status = 'PRICED'
      GROUP BY 1, 2, 3, 4, 5, 6`,
  );
  await packAllMonths(dataSource.manager, 'projection', rollupTablesOf('projection'));
}

/** Marks the projection built whole (or, with null, not yet: a rebuild in progress). */
export async function markBuilt(dataSource: DataSource, builtAt: Date | null): Promise<void> {
  await dataSource.query(
    `UPDATE projection_state SET built_at = $1,
       rebuild_state = CASE WHEN $1::timestamptz IS NULL THEN 'REBUILDING' ELSE 'IDLE' END,
       rebuild_started_at = CASE WHEN $1::timestamptz IS NULL THEN now() END,
       rebuild_sessions_read = CASE WHEN $1::timestamptz IS NULL THEN 42 ELSE 0 END`,
    [builtAt],
  );
}
