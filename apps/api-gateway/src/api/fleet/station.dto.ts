import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  ConnectorRef,
  ConnectorStatuses,
  CreateStationRequest,
  ListRequest,
  MAX_CONNECTOR_ID,
  MAX_RATED_POWER_W,
  StationChanges,
} from '@chargeflow/contracts';
import { EXAMPLE, nullable, PageQueryOf, pageOf, uuid } from '../openapi-helpers';

@ApiSchema({ name: 'ConnectorRef' })
export class ConnectorRefBody extends ConnectorRef {
  @ApiProperty({ type: String, pattern: '^[A-Za-z0-9._-]{1,48}$', example: 'CP-DEPOT-NORD-3' })
  declare chargePointId: string;

  @ApiProperty({ type: Number, minimum: 1, maximum: MAX_CONNECTOR_ID, example: 1 })
  declare connectorId: number;
}

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

  @ApiPropertyOptional({
    type: ConnectorRefBody,
    nullable: true,
    description: 'The OCPP charge point connector this station is; one station per connector.',
  })
  declare ocpp?: ConnectorRef | null;
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

  @ApiPropertyOptional({ type: ConnectorRefBody, nullable: true, description: 'null unlinks the connector.' })
  declare ocpp?: ConnectorRef | null;
}

export class ListStationsQuery extends PageQueryOf(ListRequest) {}

export class StationConnectorDocument {
  @ApiProperty({ example: 'CP-DEPOT-NORD-3' })
  chargePointId!: string;

  @ApiProperty({ example: 1 })
  connectorId!: number;

  @ApiPropertyOptional(
    nullable({
      type: String,
      enum: ConnectorStatuses,
      description: 'The last status the charge point reported (GET of one station only); null before any.',
      example: 'Available',
    }),
  )
  status?: string | null;

  @ApiPropertyOptional(nullable({ type: String, example: 'NoError' }))
  errorCode?: string | null;

  @ApiPropertyOptional(nullable({ type: String, format: 'date-time', example: EXAMPLE.instant }))
  statusAt?: string | null;
}

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

  @ApiProperty(nullable({ type: StationConnectorDocument, description: 'Its OCPP connector, if linked.' }))
  ocpp!: StationConnectorDocument | null;

  @ApiProperty(nullable({ type: String, format: 'uuid', example: null }))
  activeSessionId!: string | null;

  @ApiProperty({ type: String, format: 'date-time', example: EXAMPLE.instant })
  createdAt!: string;
}

export const StationPageDocument = pageOf(StationDocument, 'StationPage');
