import { ApiProperty, ApiPropertyOptional, type ApiPropertyOptions } from '@nestjs/swagger';
import {
  ListBillingRequest,
  ListTariffsRequest,
  BillingStatuses,
  VerifyBillingRequest,
  MAX_PAGE_SIZE,
  PageRequest,
  QuoteTerms,
  SessionKinds,
} from '@chargeflow/contracts';
import { IsISO8601 } from 'class-validator';
import { EXAMPLE, nullable, pageOf, uuid } from './openapi-helpers';

function document(type: Function, properties: Record<string, ApiPropertyOptions & { optional?: boolean }>): void {
  for (const [name, { optional, ...options }] of Object.entries(properties)) {
    (optional ? ApiPropertyOptional(options) : ApiProperty(options))(type.prototype, name);
  }
}

// Parents before children: a subclass copies its parent's documented properties when it is documented.
document(PageRequest, {
  limit: { optional: true, type: Number, minimum: 1, maximum: MAX_PAGE_SIZE, default: 50, example: 50 },
  cursor: {
    optional: true,
    type: String,
    description: 'The `nextCursor` of the previous page.',
    example: 'WyIyMDI2LTExLTIyVDA4OjMwOjAwLjAwMFoiLCI5YTFjIl0',
  },
});
document(ListTariffsRequest, {});
document(ListBillingRequest, {
  status: { optional: true, enum: BillingStatuses, example: 'PRICED' },
  kind: { optional: true, enum: SessionKinds, example: 'CHARGING' },
  riderId: { optional: true, ...uuid(EXAMPLE.riderId) },
  from: { optional: true, type: String, format: 'date-time', example: '2026-11-01T00:00:00Z' },
  to: { optional: true, type: String, format: 'date-time', example: '2026-12-01T00:00:00Z' },
});
document(VerifyBillingRequest, {
  from: {
    optional: true,
    type: String,
    format: 'date-time',
    description: 'Only sessions started at or after.',
    example: '2026-11-01T00:00:00Z',
  },
  to: {
    optional: true,
    type: String,
    format: 'date-time',
    description: 'Only sessions started before.',
    example: '2026-12-01T00:00:00Z',
  },
});
document(QuoteTerms, {
  kind: { enum: SessionKinds, example: 'CHARGING' },
  startedAt: { type: String, format: 'date-time', example: '2026-11-22T18:30:00Z' },
  endedAt: { type: String, format: 'date-time', example: '2026-11-22T20:00:00Z' },
  energyWh: { type: Number, minimum: 0, example: 22_500 },
  parkingDurationS: {
    optional: true,
    type: Number,
    minimum: 0,
    description: 'Plugged in without drawing energy, at the end.',
    example: 1_800,
  },
  stationId: { optional: true, ...uuid(EXAMPLE.stationId) },
  timeZone: {
    optional: true,
    type: String,
    description: 'IANA zone for time restrictions; the operator zone when absent.',
    example: 'Europe/Berlin',
  },
});

/** A tariff as operators publish it: OCPI 2.2.1 fields, plus what it applies to. */
export const EXAMPLE_TARIFF = {
  currency: 'EUR',
  appliesTo: { kind: 'CHARGING' },
  elements: [
    {
      price_components: [{ type: 'ENERGY', price: '0.25', vat: '19', step_size: 1 }],
      restrictions: { start_time: '22:00', end_time: '06:00' },
    },
    { price_components: [{ type: 'ENERGY', price: '0.39', vat: '19', step_size: 1 }] },
    { price_components: [{ type: 'PARKING_TIME', price: '6.00', vat: '19', step_size: 60 }] },
    { price_components: [{ type: 'FLAT', price: '0.50', vat: '19', step_size: 1 }] },
  ],
  max_price: { excl_vat: '60.00' },
};

export class TariffVersionDocument {
  @ApiProperty({ example: 1 })
  version!: number;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-01T00:00:00.000Z' })
  effectiveFrom!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-10-20T09:12:00.000Z' })
  publishedAt!: string;
}

export class TariffDocument {
  @ApiProperty(uuid('4b6d8f1a-3c5e-4a7b-9d2f-6e8a1c3b5d7f'))
  id!: string;

  @ApiProperty({ example: 1 })
  version!: number;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-01T00:00:00.000Z' })
  effectiveFrom!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-10-20T09:12:00.000Z' })
  publishedAt!: string;

  @ApiProperty({ type: Object, example: { kind: 'CHARGING' } })
  appliesTo!: object;

  @ApiProperty({ type: Object, description: 'The OCPI tariff document of this version.', example: EXAMPLE_TARIFF })
  document!: object;

  @ApiProperty({ type: [TariffVersionDocument] })
  versions!: TariffVersionDocument[];
}

export const TariffPageDocument = pageOf(TariffDocument, 'TariffPage');

export class QuoteDocument {
  @ApiProperty({ example: 'EUR' })
  currency!: string;

  @ApiProperty({ example: '9.28' })
  totalExclVat!: string;

  @ApiProperty({ example: '1.76' })
  totalVat!: string;

  @ApiProperty({ example: '11.04' })
  totalInclVat!: string;

  @ApiProperty({
    type: Object,
    isArray: true,
    example: [
      {
        type: 'ENERGY',
        volume: '22.5',
        billedVolume: '22.5',
        unitPrice: '0.39',
        amountExclVat: '8.78',
        vat: '19',
        vatAmount: '1.67',
        amountInclVat: '10.45',
        periods: [],
      },
    ],
  })
  lineItems!: object[];

  @ApiProperty(uuid('4b6d8f1a-3c5e-4a7b-9d2f-6e8a1c3b5d7f'))
  tariffId!: string;

  @ApiProperty({ example: 1 })
  tariffVersion!: number;

  @ApiProperty({ example: 'tariff-engine/1' })
  engineVersion!: string;

  @ApiProperty({
    description: 'sha256 of the canonical inputs: the same inputs always give the same record.',
    example: 'Zq3…',
  })
  inputHash!: string;
}

/** The period of a statement: sessions started in [from, to). */
export class StatementQuery {
  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-01T00:00:00Z' })
  @IsISO8601({ strict: true })
  from!: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-12-01T00:00:00Z' })
  @IsISO8601({ strict: true })
  to!: string;
}

export class BillingRecordDocument {
  @ApiProperty(uuid(EXAMPLE.sessionId))
  sessionId!: string;

  @ApiProperty({ enum: BillingStatuses, example: 'PRICED' })
  status!: string;

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
}

export class VerifyReportDocument {
  @ApiProperty({ example: 1250 })
  checked!: number;

  @ApiProperty({ type: Object, isArray: true, example: [] })
  mismatches!: object[];
}
