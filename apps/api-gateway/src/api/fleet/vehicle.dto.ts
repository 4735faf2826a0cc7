import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { CreateVehicleRequest, ListRequest, MAX_BATTERY_WH, VehicleChanges } from '@chargeflow/contracts';
import { EXAMPLE, nullable, PageQueryOf, pageOf, uuid } from '../openapi-helpers';

/** The contract's request, documented (`declare` adds docs, not fields) under the contract's name. */
@ApiSchema({ name: 'CreateVehicleRequest' })
export class CreateVehicleBody extends CreateVehicleRequest {
  @ApiProperty({ type: String, maxLength: 200, example: 'e-bike 42' })
  declare label: string;

  @ApiProperty({ type: Number, minimum: 1, maximum: MAX_BATTERY_WH, example: 500 })
  declare batteryCapacityWh: number;

  @ApiProperty({
    type: Number,
    minimum: 0,
    description: 'The battery level now; afterwards only finalized sessions change it.',
    example: 420.5,
  })
  declare energyWh: number;
}

@ApiSchema({ name: 'VehicleChanges' })
export class VehicleChangesBody extends VehicleChanges {
  @ApiPropertyOptional({ type: String, maxLength: 200, example: 'e-bike 42 (blue)' })
  declare label?: string;

  @ApiPropertyOptional({ type: Number, minimum: 1, maximum: MAX_BATTERY_WH, example: 520 })
  declare batteryCapacityWh?: number;
}

export class ListVehiclesQuery extends PageQueryOf(ListRequest) {}

export class VehicleDocument {
  @ApiProperty(uuid(EXAMPLE.vehicleId))
  id!: string;

  @ApiProperty({ example: 'e-bike 42' })
  label!: string;

  @ApiProperty({ example: 500 })
  batteryCapacityWh!: number;

  @ApiProperty({ description: 'The battery level: changed only by finalized sessions.', example: 238.125 })
  energyWh!: number;

  @ApiProperty(nullable({ type: String, format: 'uuid', example: EXAMPLE.sessionId }))
  activeSessionId!: string | null;

  @ApiProperty({ type: String, format: 'date-time', example: EXAMPLE.instant })
  createdAt!: string;
}

export const VehiclePageDocument = pageOf(VehicleDocument, 'VehiclePage');
