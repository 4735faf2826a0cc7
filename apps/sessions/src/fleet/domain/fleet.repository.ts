export interface VehicleRecord {
  id: string;
  label: string;
  batteryCapacityWh: string;
  energyWh: string;
  activeSessionId: string | null;
  createdAt: Date;
}

export interface StationRecord {
  id: string;
  name: string;
  ratedPowerW: number;
  timeZone: string;
  metered: boolean;
  ocppChargePointId: string | null;
  ocppConnectorId: number | null;
  activeSessionId: string | null;
  createdAt: Date;
}

export interface RiderRecord {
  id: string;
  name: string;
  createdAt: Date;
}

/** The caller's open transaction of the sessions database, passed through: only infrastructure/ looks inside. */
type Transaction = object;

/**
 * The port: vehicles, stations and riders as the session use cases read and change them, in their
 * transaction. A locked read holds the row until the transaction ends and leaves `activeSessionId`
 * null: ask the session repository once the lock is held.
 */
export interface FleetRepository {
  vehicle(tx: Transaction, id: string, lock?: boolean): Promise<VehicleRecord | null>;
  station(tx: Transaction, id: string, lock?: boolean): Promise<StationRecord | null>;
  /** The station linked to an OCPP charge point's connector, if any. */
  stationByConnector(tx: Transaction, chargePointId: string, connectorId: number): Promise<StationRecord | null>;
  rider(tx: Transaction, id: string): Promise<RiderRecord | null>;
  updateVehicle(
    tx: Transaction,
    vehicle: { id: string; label: string; batteryCapacityWh: string; energyWh: string },
  ): Promise<void>;
}

export const FLEET_REPOSITORY = Symbol('FLEET_REPOSITORY');
