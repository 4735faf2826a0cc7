import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { CreateStationRequest, ListRequest, MAX_RATED_POWER_W, StationChanges } from '@chargeflow/contracts';
import { EXAMPLE, nullable, PageQueryOf, pageOf, uuid } from '../openapi-helpers';

/** The contract's request, documented (`declare` adds docs, not fields) under the contract's name. */
@ApiSchema({ name: 'CreateStationRequest' })
export class CreateStationBody extends CreateStationRequest {
  @ApiProperty({ type: String, maxLength: 200, example: 'Depot Nord, bay 3' })
  declare name: string;

  @ApiProperty({ type: Number, minimum: 1, maximum: MAX_RATED_POWER_W, example: 11_000 })
  declare ratedPowerW: number;

  @ApiProperty({ type: String, description: 'IANA time zone, for tariff restrictions.', example: 'Europe/Berlin' })
  declare timeZone: string;

  @ApiProperty({
    type: Boolean,
    description: 'True when the charger reports meter telemetry; otherwise energy is rated power times time.',
    example: false,
  })
  declare metered: boolean;
}

@ApiSchema({ name: 'StationChanges' })
export class StationChangesBody extends StationChanges {
  @ApiPropertyOptional({ type: String, maxLength: 200, example: 'Depot Nord, bay 3' })
  declare name?: string;

  @ApiPropertyOptional({ type: Number, example: 22_000 })
  declare ratedPowerW?: number;

  @ApiPropertyOptional({ type: String, example: 'Europe/Berlin' })
  declare timeZone?: string;

  @ApiPropertyOptional({ type: Boolean, example: true })
  declare metered?: boolean;
}

export class ListStationsQuery extends PageQueryOf(ListRequest) {}

export class StationDocument {
  @ApiProperty(uuid(EXAMPLE.stationId))
  id!: string;

  @ApiProperty({ example: 'Depot Nord, bay 3' })
  name!: string;

  @ApiProperty({ example: 11_000 })
  ratedPowerW!: number;

  @ApiProperty({ example: 'Europe/Berlin' })
  timeZone!: string;

  @ApiProperty({ example: false })
  metered!: boolean;

  @ApiProperty(nullable({ type: String, format: 'uuid', example: null }))
  activeSessionId!: string | null;

  @ApiProperty({ type: String, format: 'date-time', example: EXAMPLE.instant })
  createdAt!: string;
}

export const StationPageDocument = pageOf(StationDocument, 'StationPage');
