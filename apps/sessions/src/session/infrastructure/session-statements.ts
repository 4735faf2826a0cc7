import type { SessionKind } from '@chargeflow/contracts';
import { currentCorrelation, outboxRowsAfter, type Statement } from '@chargeflow/messaging';
import type { Session } from '../domain/session.aggregate';
import { sessionEventMessages } from './session-events.outbox';

const COLUMNS = [
  'id',
  'kind',
  'state',
  'vehicle_id',
  'rider_id',
  'station_id',
  'station_rated_power_w',
  'station_metered',
  'station_time_zone',
  'free_capacity_wh',
  'started_at',
  'ended_at',
  'energy_wh',
  'energy_source',
  'distance_m',
  'sample_count',
  'duration_s',
];

/** The columns a session snapshot is read from, of the table or of `alias`. */
export function sessionColumns(alias?: string): string {
  return COLUMNS.map((column) => (alias ? `${alias}.${column}` : column)).join(', ');
}

/**
 * A start in one statement: the session and its events, or nothing. The primary key refuses a taken
 * id, the partial unique indexes (session_one_active_per_vehicle, session_one_active_per_station) a
 * busy vehicle or station, the foreign keys an unknown vehicle, rider or station. It holds no lock on
 * the vehicle, so a start racing the end of the vehicle's session waits in the unique index for that
 * end to commit, then starts. Returns the session's id when it started.
 */
export function startStatement(started: Session): Statement {
  const session = started.toSnapshot();
  const events = outboxRowsAfter('started', sessionEventMessages(started.pullEvents()), 12);
  return {
    text: `WITH started AS (
        INSERT INTO session (id, kind, state, vehicle_id, rider_id, station_id, station_rated_power_w, station_metered,
          station_time_zone, free_capacity_wh, started_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
        ON CONFLICT DO NOTHING RETURNING id),
      events AS (${events.sql})
      SELECT id FROM started`,
    values: [
      session.id,
      session.kind,
      session.state,
      session.vehicleId,
      session.riderId,
      session.charge?.stationId ?? null,
      session.charge?.ratedPowerW ?? null,
      session.charge?.metered ?? null,
      session.charge?.timeZone ?? null,
      session.charge?.freeCapacityWh ?? null,
      session.startedAt,
      ...events.parameters,
    ],
  };
}

/**
 * Records that an end of the session was asked for, if it is an Active session of `kind` (the first
 * request's time and correlation id are kept), and reads the session as it was, whatever its state,
 * with its vehicle's battery: what the end computes the finalization from.
 */
export function requestEndStatement(id: string, kind: SessionKind): Statement {
  return {
    text: `WITH requested AS (
        UPDATE session SET end_requested_at = coalesce(end_requested_at, now()), end_attempted_at = now(),
          end_correlation_id = coalesce(end_correlation_id, $3)
        WHERE id = $1 AND kind = $2 AND state = 'ACTIVE')
      SELECT ${sessionColumns('s')}, v.battery_capacity_wh, v.energy_wh AS vehicle_energy_wh
      FROM session s JOIN vehicle v ON v.id = s.vehicle_id WHERE s.id = $1`,
    values: [id, kind, currentCorrelation()?.correlationId ?? null],
  };
}

/**
 * The session and its vehicle's battery, both rows held until the transaction ends: ends of a session
 * are serialized, and the battery changes under no one else. The vehicle is held FOR NO KEY UPDATE, so
 * a start naming it (whose foreign key check takes a key share) does not wait for the end.
 */
export function lockForEndStatement(id: string): Statement {
  return {
    text: `SELECT ${sessionColumns('s')}, v.battery_capacity_wh, v.energy_wh AS vehicle_energy_wh
      FROM session s JOIN vehicle v ON v.id = s.vehicle_id WHERE s.id = $1
      FOR UPDATE OF s FOR NO KEY UPDATE OF v`,
    values: [id],
  };
}

/**
 * The one write a session gets after its start, in one statement: Active to Finalized with its totals,
 * its events, and its vehicle's new battery level, all or nothing. It holds the session and its vehicle
 * first, as `lockForEndStatement` does (the same rows in the same order, so the two never deadlock),
 * and writes nothing unless the session is still Active and the battery still is `read`, the level
 * and capacity the new level was computed from (checked on the rows' newest versions once held).
 * Returns the session's id when it was finalized.
 */
export function finalizeStatement(
  finalized: Session,
  vehicleEnergyWh: string,
  read: { capacityWh: string; energyWh: string },
): Statement {
  const session = finalized.toSnapshot();
  const totals = session.totals;
  if (session.state !== 'FINALIZED' || !totals || !session.endedAt)
    throw new Error(`session ${session.id} is not finalized`);
  const events = outboxRowsAfter('finalized', sessionEventMessages(finalized.pullEvents()), 12);
  return {
    text: `WITH held AS (
        SELECT s.id FROM session s JOIN vehicle v ON v.id = s.vehicle_id
        WHERE s.id = $1 AND s.state = 'ACTIVE' AND v.id = $8 AND v.energy_wh = $10 AND v.battery_capacity_wh = $11
        FOR UPDATE OF s FOR NO KEY UPDATE OF v),
      finalized AS (
        UPDATE session SET state = 'FINALIZED', ended_at = $2, energy_wh = $3, energy_source = $4, distance_m = $5,
          sample_count = $6, duration_s = $7
        WHERE id = $1 AND state = 'ACTIVE' AND id IN (SELECT id FROM held) RETURNING id, vehicle_id),
      battery AS (UPDATE vehicle SET energy_wh = $9 FROM finalized WHERE vehicle.id = finalized.vehicle_id AND vehicle.id = $8),
      events AS (${events.sql})
      SELECT id FROM finalized`,
    values: [
      session.id,
      session.endedAt,
      totals.energyWh,
      totals.energySource,
      totals.distanceM,
      totals.sampleCount,
      totals.durationS,
      session.vehicleId,
      vehicleEnergyWh,
      read.energyWh,
      read.capacityWh,
      ...events.parameters,
    ],
  };
}
