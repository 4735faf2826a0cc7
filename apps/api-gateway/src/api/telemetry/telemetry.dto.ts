import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ListRejectionsRequest, PageRequest, RejectionReasons, type RejectionReason } from '@chargeflow/contracts';
import { EXAMPLE, nullable, PageQueryOf, pageOf, uuid } from '../openapi-helpers';

/** One sample as a device posts it over HTTP; the session comes from the URL. */
export class SampleBody {
  @ApiProperty(uuid(EXAMPLE.telemetryId, 'Client-generated: the idempotency key of the sample.'))
  telemetryId!: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    description: 'Vehicles: exactly one of vehicleId and stationId.',
    example: EXAMPLE.vehicleId,
  })
  vehicleId?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', description: 'Chargers.' })
  stationId?: string;

  @ApiProperty({ type: String, format: 'date-time', example: EXAMPLE.instant })
  emittedAt!: string;

  @ApiPropertyOptional({
    type: Number,
    description: 'Energy since the previous sample (Wh); chargers may send meterWh instead.',
    example: 0.875,
  })
  energyWh?: number;

  @ApiPropertyOptional({
    type: Number,
    description: 'Chargers: the cumulative meter reading (Wh), with its seq; readings are ordered by seq.',
  })
  meterWh?: number;

  @ApiPropertyOptional({ type: Number, example: 21.5 })
  distanceM?: number;

  @ApiPropertyOptional({ type: Number, example: 18.2 })
  speedKmh?: number;

  @ApiPropertyOptional({ type: Number, example: 402.25 })
  batteryLevelWh?: number;

  @ApiPropertyOptional({ type: Number, example: 17 })
  seq?: number;
}

export class QueuedDocument {
  @ApiProperty({
    description: 'Samples the broker confirmed; each is then counted once or recorded as a rejection.',
    example: 1,
  })
  queued!: number;
}

export class ListSamplesQuery extends PageQueryOf(PageRequest) {}

export class SampleDocument {
  @ApiProperty(uuid(EXAMPLE.telemetryId))
  telemetryId!: string;

  @ApiProperty(uuid(EXAMPLE.sessionId))
  sessionId!: string;

  @ApiProperty(nullable({ type: String, format: 'uuid', example: EXAMPLE.vehicleId }))
  vehicleId!: string | null;

  @ApiProperty(nullable({ type: String, format: 'uuid', example: null }))
  stationId!: string | null;

  @ApiProperty({ type: String, format: 'date-time', example: EXAMPLE.instant })
  emittedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-22T08:30:00.120Z' })
  receivedAt!: string;

  @ApiProperty({ description: 'Energy since the previous sample.', example: 0.875 })
  energyWh!: number;

  @ApiProperty(nullable({ type: Number, example: null }))
  meterWh!: number | null;

  @ApiProperty(nullable({ type: Number, example: 21.5 }))
  distanceM!: number | null;

  @ApiProperty(nullable({ type: Number, example: 18.2 }))
  speedKmh!: number | null;

  @ApiProperty(nullable({ type: Number, example: 402.25 }))
  batteryLevelWh!: number | null;

  @ApiProperty(nullable({ type: Number, example: 17 }))
  seq!: number | null;
}

export const SamplePageDocument = pageOf(SampleDocument, 'SamplePage');

/** The contract's request, documented (`declare` adds docs, not fields). */
export class ListRejectionsQuery extends PageQueryOf(ListRejectionsRequest) {
  @ApiPropertyOptional(uuid(EXAMPLE.sessionId))
  declare sessionId?: string;

  @ApiPropertyOptional(uuid(EXAMPLE.vehicleId))
  declare vehicleId?: string;

  @ApiPropertyOptional({ enum: RejectionReasons, example: 'SESSION_FINALIZED' })
  declare reason?: RejectionReason;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2026-11-01T00:00:00Z' })
  declare from?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2026-12-01T00:00:00Z' })
  declare to?: string;
}

export class RejectionDocument {
  @ApiProperty(uuid('6e8a1c3f-5b7d-4f2a-9c1e-3a5c7e9b1d2f'))
  id!: string;

  @ApiProperty({ enum: RejectionReasons, example: 'SESSION_FINALIZED' })
  reason!: string;

  @ApiProperty({ example: `session ${EXAMPLE.sessionId} is finalized; its totals are fixed` })
  detail!: string;

  @ApiProperty(nullable({ type: String, example: EXAMPLE.telemetryId }))
  telemetryId!: string | null;

  @ApiProperty(nullable({ type: String, example: EXAMPLE.sessionId }))
  sessionId!: string | null;

  @ApiProperty(nullable({ type: String, example: EXAMPLE.vehicleId }))
  deviceId!: string | null;

  @ApiProperty({
    description: 'The message as the device sent it.',
    example: `{"telemetryId":"${EXAMPLE.telemetryId}","energyWh":0.5}`,
  })
  payload!: string;

  @ApiProperty(
    nullable({
      type: String,
      description:
        'The AMQP messageId the publisher set, when it set one: it links even an unreadable message to its publish.',
      example: 'publish-000042',
    }),
  )
  messageId!: string | null;

  @ApiProperty({ type: String, format: 'date-time', example: EXAMPLE.instant })
  receivedAt!: string;
}

export const RejectionPageDocument = pageOf(RejectionDocument, 'RejectionPage');
