import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  ListSessionsRequest,
  SessionKinds,
  SessionStates,
  StartChargingRequest,
  StartRideRequest,
  type SessionKind,
  type SessionState,
} from '@chargeflow/contracts';
import { EXAMPLE, nullable, PageQueryOf, pageOf, uuid } from '../openapi-helpers';

/** The contract's request, documented (`declare` adds docs, not fields) under the contract's name. */
@ApiSchema({ name: 'StartRideRequest' })
export class StartRideBody extends StartRideRequest {
  @ApiProperty(uuid(EXAMPLE.vehicleId))
  declare vehicleId: string;

  @ApiProperty(uuid(EXAMPLE.riderId))
  declare riderId: string;
}

@ApiSchema({ name: 'StartChargingRequest' })
export class StartChargingBody extends StartChargingRequest {
  @ApiProperty(uuid(EXAMPLE.vehicleId))
  declare vehicleId: string;

  @ApiProperty(uuid(EXAMPLE.stationId))
  declare stationId: string;

  @ApiPropertyOptional({ ...uuid(EXAMPLE.riderId), description: 'Who charges: the charge is then on their statement.' })
  declare riderId?: string;
}

export class ListSessionsQuery extends PageQueryOf(ListSessionsRequest) {
  @ApiPropertyOptional({ enum: SessionKinds, example: 'RIDE' })
  declare kind?: SessionKind;

  @ApiPropertyOptional({ enum: SessionStates, example: 'FINALIZED' })
  declare state?: SessionState;

  @ApiPropertyOptional(uuid(EXAMPLE.vehicleId))
  declare vehicleId?: string;

  @ApiPropertyOptional(uuid(EXAMPLE.stationId))
  declare stationId?: string;

  @ApiPropertyOptional(uuid(EXAMPLE.riderId))
  declare riderId?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'Sessions started at or after.',
    example: '2026-11-01T00:00:00Z',
  })
  declare from?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'Sessions started before.',
    example: '2026-12-01T00:00:00Z',
  })
  declare to?: string;
}

export class SessionDocument {
  @ApiProperty(uuid(EXAMPLE.sessionId))
  id!: string;

  @ApiProperty({ enum: SessionKinds, example: 'RIDE' })
  kind!: string;

  @ApiProperty({ enum: SessionStates, example: 'FINALIZED' })
  state!: string;

  @ApiProperty(uuid(EXAMPLE.vehicleId))
  vehicleId!: string;

  @ApiProperty(nullable(uuid(EXAMPLE.riderId)))
  riderId!: string | null;

  @ApiProperty(nullable({ type: String, format: 'uuid', example: null }))
  stationId!: string | null;

  @ApiProperty({ type: String, format: 'date-time', example: EXAMPLE.instant })
  startedAt!: string;

  @ApiProperty(nullable({ type: String, format: 'date-time', example: '2026-11-22T08:52:10.000Z' }))
  endedAt!: string | null;

  @ApiProperty(nullable({ type: Number, example: 1330 }))
  durationS!: number | null;

  @ApiPropertyOptional(
    nullable({
      type: Number,
      description: 'Rides: energy consumed, the sum of the sealed telemetry.',
      example: 182.375,
    }),
  )
  energyConsumedWh?: number | null;

  @ApiPropertyOptional(nullable({ type: Number, description: 'Charges: energy delivered.', example: null }))
  energyDeliveredWh?: number | null;

  @ApiProperty(nullable({ enum: ['TELEMETRY', 'RATED_POWER'], example: 'TELEMETRY' }))
  energySource!: string | null;

  @ApiProperty(nullable({ type: Number, example: 5120 }))
  distanceM!: number | null;

  @ApiProperty(nullable({ type: Number, example: 266 }))
  sampleCount!: number | null;
}

export const SessionPageDocument = pageOf(SessionDocument, 'SessionPage');
