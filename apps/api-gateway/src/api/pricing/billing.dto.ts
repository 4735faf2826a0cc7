import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import {
  BillingStatuses,
  ListBillingRequest,
  MAX_LISTED_MISMATCHES,
  SessionKinds,
  StatementPeriodRequest,
  VerificationStatuses,
  VerifyBillingRequest,
  type BillingStatus,
  type SessionKind,
} from '@chargeflow/contracts';
import { EXAMPLE, nullable, PageQueryOf, pageOf, uuid } from '../openapi-helpers';
import { QuoteDocument } from './tariff.dto';

/** The contract's request, documented (`declare` adds docs, not fields). */
export class ListBillingQuery extends PageQueryOf(ListBillingRequest) {
  @ApiPropertyOptional({ enum: BillingStatuses, example: 'PRICED' })
  declare status?: BillingStatus;

  @ApiPropertyOptional({ enum: SessionKinds, example: 'CHARGING' })
  declare kind?: SessionKind;

  @ApiPropertyOptional(uuid(EXAMPLE.riderId))
  declare riderId?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2026-11-01T00:00:00Z' })
  declare from?: string;

  @ApiPropertyOptional({ type: String, format: 'date-time', example: '2026-12-01T00:00:00Z' })
  declare to?: string;
}

export class BillingRecordDocument {
  @ApiProperty(uuid(EXAMPLE.sessionId))
  sessionId!: string;

  @ApiProperty({ enum: BillingStatuses, example: 'PRICED' })
  status!: string;

  @ApiProperty({
    type: Number,
    minimum: 1,
    example: 2,
    description: "Grows by one each time a record replaces the session's previous one (UNPRICED, then PRICED).",
  })
  revision!: number;

  @ApiProperty(nullable({ type: String, description: 'Why an UNPRICED record has no price yet.', example: null }))
  reason!: string | null;

  @ApiProperty({ enum: SessionKinds, example: 'CHARGING' })
  kind!: string;

  @ApiProperty(nullable({ type: String, format: 'uuid', example: null }))
  riderId!: string | null;

  @ApiProperty(uuid(EXAMPLE.vehicleId))
  vehicleId!: string;

  @ApiProperty(nullable({ type: String, format: 'uuid', example: EXAMPLE.stationId }))
  stationId!: string | null;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-22T18:30:00.000Z' })
  startedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-22T20:00:00.000Z' })
  endedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-22T20:00:01.120Z' })
  calculatedAt!: string;

  @ApiProperty(nullable({ type: QuoteDocument }))
  billing!: QuoteDocument | null;
}

export const BillingPageDocument = pageOf(BillingRecordDocument, 'BillingPage');

/** The period of a statement (sessions started in [from, to)) and the page of its lines. */
export class StatementQuery extends PageQueryOf(StatementPeriodRequest) {
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-01T00:00:00Z' })
  declare from: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-12-01T00:00:00Z' })
  declare to: string;
}

export class StatementDocument {
  @ApiProperty(uuid(EXAMPLE.riderId))
  riderId!: string;

  @ApiProperty({ example: '2026-11-01T00:00:00Z' })
  from!: string;

  @ApiProperty({ example: '2026-12-01T00:00:00Z' })
  to!: string;

  @ApiProperty({
    type: Object,
    isArray: true,
    example: [
      {
        sessionId: EXAMPLE.sessionId,
        kind: 'RIDE',
        startedAt: '2026-11-22T08:30:00.000Z',
        status: 'PRICED',
        currency: 'EUR',
        totalExclVat: '3.40',
        totalVat: '0.65',
        totalInclVat: '4.05',
      },
    ],
  })
  lines!: object[];

  @ApiProperty({
    type: Object,
    isArray: true,
    example: [{ currency: 'EUR', totalExclVat: '3.40', totalVat: '0.65', totalInclVat: '4.05', sessions: 1 }],
  })
  totals!: object[];

  @ApiProperty({ description: 'Sessions in the period that have no price yet.', example: 0 })
  unpriced!: number;

  @ApiProperty(
    nullable({
      type: String,
      description: 'Pass as `cursor` for the next page of lines; null on the last.',
      example: null,
    }),
  )
  nextCursor!: string | null;
}

@ApiSchema({ name: 'VerifyBillingRequest' })
export class VerifyBillingBody extends VerifyBillingRequest {
  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'Only sessions started at or after.',
    example: '2026-11-01T00:00:00Z',
  })
  declare from?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'date-time',
    description: 'Only sessions started before.',
    example: '2026-12-01T00:00:00Z',
  })
  declare to?: string;
}

export class VerificationStartedDocument {
  @ApiProperty(uuid('0f4e2d1c-8b7a-4c6d-9e5f-1a2b3c4d5e6f'))
  id!: string;
}

export class VerificationDocument {
  @ApiProperty(uuid('0f4e2d1c-8b7a-4c6d-9e5f-1a2b3c4d5e6f'))
  id!: string;

  @ApiProperty({ enum: VerificationStatuses, example: 'RUNNING' })
  status!: string;

  @ApiProperty({ description: 'Records recomputed and compared so far.', example: 500 })
  checked!: number;

  @ApiProperty({ description: 'Priced records in the range when the verification started.', example: 1250 })
  total!: number;

  @ApiProperty({ description: 'Every mismatch found so far.', example: 0 })
  mismatchCount!: number;

  @ApiProperty({
    type: Object,
    isArray: true,
    description: `The mismatches found so far (sessionId, reason), the first ${MAX_LISTED_MISMATCHES} of them.`,
    example: [],
  })
  mismatches!: object[];

  @ApiProperty(nullable({ type: String, description: 'Why it FAILED.', example: null }))
  error!: string | null;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-22T20:00:00.000Z' })
  startedAt!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-22T20:00:01.500Z' })
  updatedAt!: string;
}
