import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsTimeZone,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { ConnectorRef } from '../central-system/charge-point-rpc';
import { CreateCommandOf } from '../common/create-command';
import { PageRequest } from '../common/pagination';

/** RPC patterns of the reference data the sessions service owns: vehicles, stations, riders. */
export const FleetRpc = {
  createVehicle: 'vehicles.create.v1',
  updateVehicle: 'vehicles.update.v1',
  getVehicle: 'vehicles.get.v1',
  listVehicles: 'vehicles.list.v1',
  createStation: 'stations.create.v1',
  updateStation: 'stations.update.v1',
  getStation: 'stations.get.v1',
  listStations: 'stations.list.v1',
  findStationByConnector: 'stations.find-by-connector.v1',
  createRider: 'riders.create.v1',
  updateRider: 'riders.update.v1',
  getRider: 'riders.get.v1',
  listRiders: 'riders.list.v1',
} as const;

/** Largest battery ChargeFlow accepts: 10 MWh, far above any road vehicle. */
export const MAX_BATTERY_WH = 10_000_000;
/** Largest charger ChargeFlow accepts: 10 MW. */
export const MAX_RATED_POWER_W = 10_000_000;

const WATT_HOURS = { maxDecimalPlaces: 3, allowNaN: false, allowInfinity: false };

export class ByIdRequest {
  @IsUUID()
  id!: string;
}

export class CreateVehicleRequest {
  @IsString()
  @Length(1, 200)
  label!: string;

  @IsNumber(WATT_HOURS)
  @Min(1)
  @Max(MAX_BATTERY_WH)
  batteryCapacityWh!: number;

  /** The battery's level now; afterwards only finalized sessions change it. */
  @IsNumber(WATT_HOURS)
  @Min(0)
  @Max(MAX_BATTERY_WH)
  energyWh!: number;
}

export class CreateVehicleCommand extends CreateCommandOf(CreateVehicleRequest) {}

/** The fields a PATCH may change; absent ones stay as they are. */
export class VehicleChanges {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  label?: string;

  @IsOptional()
  @IsNumber(WATT_HOURS)
  @Min(1)
  @Max(MAX_BATTERY_WH)
  batteryCapacityWh?: number;
}

export class UpdateVehicleRequest extends VehicleChanges {
  @IsUUID()
  id!: string;
}

export interface VehicleView {
  id: string;
  label: string;
  batteryCapacityWh: number;
  energyWh: number;
  activeSessionId: string | null;
  createdAt: string;
}

export class CreateStationRequest {
  @IsString()
  @Length(1, 200)
  name!: string;

  @IsInt()
  @Min(1)
  @Max(MAX_RATED_POWER_W)
  ratedPowerW!: number;

  @IsTimeZone()
  timeZone!: string;

  /** True when the charger reports meter telemetry; otherwise energy is rated power times time. */
  @IsBoolean()
  metered!: boolean;

  /** The OCPP charge point connector this station is; one station per connector. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ConnectorRef)
  ocpp?: ConnectorRef | null;
}

export class CreateStationCommand extends CreateCommandOf(CreateStationRequest) {}

/** The fields a PATCH may change; absent ones stay as they are. */
export class StationChanges {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATED_POWER_W)
  ratedPowerW?: number;

  @IsOptional()
  @IsTimeZone()
  timeZone?: string;

  @IsOptional()
  @IsBoolean()
  metered?: boolean;

  /** null unlinks the station from its connector. */
  @IsOptional()
  @ValidateNested()
  @Type(() => ConnectorRef)
  ocpp?: ConnectorRef | null;
}

export class UpdateStationRequest extends StationChanges {
  @IsUUID()
  id!: string;
}

export interface StationView {
  id: string;
  name: string;
  ratedPowerW: number;
  timeZone: string;
  metered: boolean;
  ocpp: ConnectorLink | null;
  activeSessionId: string | null;
  createdAt: string;
}

/** A station's OCPP charge point connector. */
export interface ConnectorLink {
  chargePointId: string;
  connectorId: number;
}

export class CreateRiderRequest {
  @IsString()
  @Length(1, 200)
  name!: string;
}

export class CreateRiderCommand extends CreateCommandOf(CreateRiderRequest) {}

/** The fields a PATCH may change; absent ones stay as they are. */
export class RiderChanges {
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;
}

export class UpdateRiderRequest extends RiderChanges {
  @IsUUID()
  id!: string;
}

export interface RiderView {
  id: string;
  name: string;
  createdAt: string;
}

export class ListRequest extends PageRequest {}
