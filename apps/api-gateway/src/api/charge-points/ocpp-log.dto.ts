import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { FrameDirections, SearchOcppLogRequest } from '@chargeflow/contracts';
import { EXAMPLE, nullable, PageQueryOf, pageOf } from '../openapi-helpers';

export class SearchOcppLogQuery extends PageQueryOf(SearchOcppLogRequest) {
  @ApiPropertyOptional({ type: String, example: 'CP-DEPOT-NORD-3' })
  declare chargePointId?: string;

  @ApiPropertyOptional({ type: String, example: 'StartTransaction', description: 'The OCPP action.' })
  declare action?: string;

  @ApiPropertyOptional({ type: Number, example: 42 })
  declare transactionId?: number;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2026-11-22T00:00:00Z' })
  declare from?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2026-11-23T00:00:00Z' })
  declare to?: string;

  @ApiPropertyOptional({
    type: String,
    maxLength: 100,
    description: 'Text the raw frame contains (case-insensitive).',
    example: 'Energy.Active.Import.Register',
  })
  declare q?: string;
}

export class OcppFrameDocument {
  @ApiProperty({ type: String, format: 'uuid', example: EXAMPLE.telemetryId })
  frameId!: string;

  @ApiProperty({ example: 'CP-DEPOT-NORD-3' })
  chargePointId!: string;

  @ApiProperty({ enum: FrameDirections, example: 'IN', description: 'IN from the charge point, OUT to it.' })
  direction!: string;

  @ApiProperty(
    nullable({ type: Number, enum: [2, 3, 4], example: 2, description: '2 CALL, 3 CALLRESULT, 4 CALLERROR.' }),
  )
  messageType!: number | null;

  @ApiProperty(nullable({ type: String, example: '19223201' }))
  messageId!: string | null;

  @ApiProperty(nullable({ type: String, example: 'StartTransaction' }))
  action!: string | null;

  @ApiProperty(nullable({ type: Number, example: 42 }))
  transactionId!: number | null;

  @ApiProperty({ type: String, format: 'date-time', example: EXAMPLE.instant })
  at!: string;

  @ApiProperty({
    example:
      '[2,"19223201","StartTransaction",{"connectorId":1,"idTag":"04A2B3C4D5E6F7","meterStart":0,"timestamp":"2026-11-22T08:30:00Z"}]',
    description: 'The raw frame as it crossed the connection.',
  })
  payload!: string;

  @ApiProperty(nullable({ type: String, example: null, description: 'Why the frame was refused, if it was.' }))
  error!: string | null;
}

export const OcppFramePageDocument = pageOf(OcppFrameDocument, 'OcppFramePage');
