import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { runPrepared } from '@chargeflow/messaging';
import type { RiderView, StationView, VehicleView } from '@chargeflow/contracts';
import { cursorInstant, type Position } from '@chargeflow/runtime';
import type { FleetRepository, RiderRecord, StationRecord, VehicleRecord } from '../domain/fleet.repository';

const VEHICLE_COLUMNS = `v.id, v.label, v.battery_capacity_wh AS "batteryCapacityWh", v.energy_wh AS "energyWh",
  v.created_at AS "createdAt", s.id AS "activeSessionId"`;
const VEHICLES = `vehicle v LEFT JOIN session s ON s.vehicle_id = v.id AND s.state = 'ACTIVE'`;
const VEHICLE = `SELECT ${VEHICLE_COLUMNS} FROM ${VEHICLES}`;

const STATION_COLUMNS = `t.id, t.name, t.rated_power_w AS "ratedPowerW", t.time_zone AS "timeZone", t.metered,
  t.ocpp_charge_point_id AS "ocppChargePointId", t.ocpp_connector_id AS "ocppConnectorId", t.created_at AS "createdAt"`;
const STATIONS = `station t LEFT JOIN session s ON s.station_id = t.id AND s.state = 'ACTIVE'`;
const STATION = `SELECT ${STATION_COLUMNS}, s.id AS "activeSessionId" FROM ${STATIONS}`;

const RIDER_COLUMNS = `id, name, created_at AS "createdAt"`;
const RIDER = `SELECT ${RIDER_COLUMNS} FROM rider`;

/** A listed record with its position's instant, to the microsecond. */
type Listed<R> = R & { cursorAt: string };

function afterClause(alias: string, after: Position | null): [string, unknown[]] {
  return after ? [`WHERE (${alias}.created_at, ${alias}.id) < ($1, $2)`, [after.at, after.id]] : ['', []];
}

/** Vehicles, stations and riders: the reference data sessions stand on. */
@Injectable()
export class TypeOrmFleetRepository implements FleetRepository {
  /**
   * With `lock`, holds the vehicle's row until the transaction ends (FOR NO KEY UPDATE: other lockers
   * wait, but not the foreign-key check of a ride start naming the vehicle, which would otherwise
   * deadlock with a charge start of the same vehicle). The locked read leaves out the active session: a
   * start that waited for the lock would read it as of before the wait. Ask the session repository
   * once the lock is held.
   */
  async vehicle(manager: EntityManager, id: string, lock = false): Promise<VehicleRecord | null> {
    const sql = lock
      ? `SELECT id, label, battery_capacity_wh AS "batteryCapacityWh", energy_wh AS "energyWh", created_at AS "createdAt",
           NULL::uuid AS "activeSessionId" FROM vehicle WHERE id = $1 FOR NO KEY UPDATE`
      : `${VEHICLE} WHERE v.id = $1`;
    const [row] = (await runPrepared(manager, { text: sql, values: [id] })) as VehicleRecord[];
    return row ?? null;
  }

  async vehicles(manager: EntityManager, after: Position | null, limit: number): Promise<Listed<VehicleRecord>[]> {
    const [where, values] = afterClause('v', after);
    return manager.query(
      `SELECT ${VEHICLE_COLUMNS}, ${cursorInstant('v.created_at')} AS "cursorAt" FROM ${VEHICLES} ${where} ORDER BY v.created_at DESC, v.id DESC LIMIT $${values.length + 1}`,
      [...values, limit + 1],
    );
  }

  /** Creates a vehicle; an id that exists already (a create retried with its Idempotency-Key) changes nothing. */
  async insertVehicle(
    manager: EntityManager,
    vehicle: { id: string; label: string; batteryCapacityWh: string; energyWh: string },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO vehicle (id, label, battery_capacity_wh, energy_wh) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING`,
      [vehicle.id, vehicle.label, vehicle.batteryCapacityWh, vehicle.energyWh],
    );
  }

  async updateVehicle(
    manager: EntityManager,
    vehicle: { id: string; label: string; batteryCapacityWh: string; energyWh: string },
  ): Promise<void> {
    await manager.query(`UPDATE vehicle SET label = $2, battery_capacity_wh = $3, energy_wh = $4 WHERE id = $1`, [
      vehicle.id,
      vehicle.label,
      vehicle.batteryCapacityWh,
      vehicle.energyWh,
    ]);
  }

  /** As `vehicle`: with `lock`, holds the station's row; its active session is read afterwards. */
  async station(manager: EntityManager, id: string, lock = false): Promise<StationRecord | null> {
    const sql = lock
      ? `SELECT ${STATION_COLUMNS}, NULL::uuid AS "activeSessionId" FROM station t WHERE t.id = $1 FOR UPDATE OF t`
      : `${STATION} WHERE t.id = $1`;
    const [row] = (await runPrepared(manager, { text: sql, values: [id] })) as StationRecord[];
    return row ?? null;
  }

  /** The station linked to an OCPP charge point's connector, if any. */
  async stationByConnector(
    manager: EntityManager,
    chargePointId: string,
    connectorId: number,
  ): Promise<StationRecord | null> {
    const [row] = (await runPrepared(manager, {
      text: `${STATION} WHERE t.ocpp_charge_point_id = $1 AND t.ocpp_connector_id = $2`,
      values: [chargePointId, connectorId],
    })) as StationRecord[];
    return row ?? null;
  }

  async stations(manager: EntityManager, after: Position | null, limit: number): Promise<Listed<StationRecord>[]> {
    const [where, values] = afterClause('t', after);
    return manager.query(
      `SELECT ${STATION_COLUMNS}, s.id AS "activeSessionId", ${cursorInstant('t.created_at')} AS "cursorAt"
         FROM ${STATIONS} ${where} ORDER BY t.created_at DESC, t.id DESC LIMIT $${values.length + 1}`,
      [...values, limit + 1],
    );
  }

  /** Creates a station; an id that exists already (a create retried with its Idempotency-Key) changes nothing. */
  async insertStation(
    manager: EntityManager,
    station: Omit<StationRecord, 'activeSessionId' | 'createdAt'>,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO station (id, name, rated_power_w, time_zone, metered, ocpp_charge_point_id, ocpp_connector_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING`,
      [
        station.id,
        station.name,
        station.ratedPowerW,
        station.timeZone,
        station.metered,
        station.ocppChargePointId,
        station.ocppConnectorId,
      ],
    );
  }

  async updateStation(
    manager: EntityManager,
    station: Omit<StationRecord, 'activeSessionId' | 'createdAt'>,
  ): Promise<void> {
    await manager.query(
      `UPDATE station SET name = $2, rated_power_w = $3, time_zone = $4, metered = $5, ocpp_charge_point_id = $6,
         ocpp_connector_id = $7 WHERE id = $1`,
      [
        station.id,
        station.name,
        station.ratedPowerW,
        station.timeZone,
        station.metered,
        station.ocppChargePointId,
        station.ocppConnectorId,
      ],
    );
  }

  async rider(manager: EntityManager, id: string): Promise<RiderRecord | null> {
    const [row] = (await manager.query(`${RIDER} WHERE id = $1`, [id])) as RiderRecord[];
    return row ?? null;
  }

  async riders(manager: EntityManager, after: Position | null, limit: number): Promise<Listed<RiderRecord>[]> {
    const where = after ? 'WHERE (created_at, id) < ($1, $2)' : '';
    const values = after ? [after.at, after.id] : [];
    return manager.query(
      `SELECT ${RIDER_COLUMNS}, ${cursorInstant('created_at')} AS "cursorAt" FROM rider ${where} ORDER BY created_at DESC, id DESC LIMIT $${values.length + 1}`,
      [...values, limit + 1],
    );
  }

  /** Creates a rider; an id that exists already (a create retried with its Idempotency-Key) changes nothing. */
  async insertRider(manager: EntityManager, rider: { id: string; name: string }): Promise<void> {
    await manager.query(`INSERT INTO rider (id, name) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING`, [
      rider.id,
      rider.name,
    ]);
  }

  async updateRider(manager: EntityManager, rider: { id: string; name: string }): Promise<void> {
    await manager.query(`UPDATE rider SET name = $2 WHERE id = $1`, [rider.id, rider.name]);
  }
}

export function toVehicleView(record: VehicleRecord): VehicleView {
  return {
    id: record.id,
    label: record.label,
    batteryCapacityWh: Number(record.batteryCapacityWh),
    energyWh: Number(record.energyWh),
    activeSessionId: record.activeSessionId,
    createdAt: record.createdAt.toISOString(),
  };
}

export function toStationView(record: StationRecord): StationView {
  // Named field by field: a listed record also carries its cursor's instant, which is no part of the view.
  const { id, name, ratedPowerW, timeZone, metered, activeSessionId, ocppChargePointId, ocppConnectorId } = record;
  return {
    id,
    name,
    ratedPowerW,
    timeZone,
    metered,
    activeSessionId,
    ocpp:
      ocppChargePointId !== null && ocppConnectorId !== null
        ? { chargePointId: ocppChargePointId, connectorId: ocppConnectorId }
        : null,
    createdAt: record.createdAt.toISOString(),
  };
}

export function toRiderView(record: RiderRecord): RiderView {
  return { id: record.id, name: record.name, createdAt: record.createdAt.toISOString() };
}
