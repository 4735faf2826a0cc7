import { DomainError } from '@chargeflow/contracts';

export class VehicleNotFoundError extends DomainError {
  readonly code = 'VEHICLE_NOT_FOUND';

  constructor(vehicleId: string) {
    super(`no vehicle ${vehicleId}`, { vehicleId });
  }
}

export class StationNotFoundError extends DomainError {
  readonly code = 'STATION_NOT_FOUND';

  constructor(stationId: string) {
    super(`no station ${stationId}`, { stationId });
  }
}

export class RiderNotFoundError extends DomainError {
  readonly code = 'RIDER_NOT_FOUND';

  constructor(riderId: string) {
    super(`no rider ${riderId}`, { riderId });
  }
}

export class BatteryOverfilledError extends DomainError {
  readonly code = 'ENERGY_EXCEEDS_CAPACITY';

  constructor(energyWh: string, capacityWh: string) {
    super(`a battery of ${capacityWh} Wh cannot hold ${energyWh} Wh`, { energyWh, batteryCapacityWh: capacityWh });
  }
}

export class ConnectorAlreadyLinkedError extends DomainError {
  readonly code = 'CONNECTOR_ALREADY_LINKED';

  constructor(chargePointId: string, connectorId: number, stationId: string | null) {
    super(`connector ${connectorId} of charge point ${chargePointId} is already linked to a station`, {
      chargePointId,
      connectorId,
      stationId,
    });
  }
}

export class IdTagTakenError extends DomainError {
  readonly code = 'ID_TAG_TAKEN';

  constructor(idTag: string) {
    super(`another token has the idTag ${idTag}`, { idTag });
  }
}

export class TokenNotFoundError extends DomainError {
  readonly code = 'TOKEN_NOT_FOUND';

  constructor(riderId: string, tokenId: string) {
    super(`rider ${riderId} has no token ${tokenId}`, { riderId, tokenId });
  }
}
