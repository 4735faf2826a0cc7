import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { ListTariffsRequest, QuoteTerms, SessionKinds, type SessionKind } from '@chargeflow/contracts';
import { EXAMPLE, PageQueryOf, pageOf, uuid } from '../openapi-helpers';

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

export class ListTariffsQuery extends PageQueryOf(ListTariffsRequest) {}

/** The contract's request, documented (`declare` adds docs, not fields) under the contract's name. */
@ApiSchema({ name: 'QuoteTerms' })
export class QuoteTermsBody extends QuoteTerms {
  @ApiProperty({ enum: SessionKinds, example: 'CHARGING' })
  declare kind: SessionKind;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-22T18:30:00Z' })
  declare startedAt: string;

  @ApiProperty({ type: String, format: 'date-time', example: '2026-11-22T20:00:00Z' })
  declare endedAt: string;

  @ApiProperty({ type: Number, minimum: 0, example: 22_500 })
  declare energyWh: number;

  @ApiPropertyOptional({
    type: Number,
    minimum: 0,
    description: 'Plugged in without drawing energy, at the end.',
    example: 1_800,
  })
  declare parkingDurationS?: number;

  @ApiPropertyOptional(uuid(EXAMPLE.stationId))
  declare stationId?: string;

  @ApiPropertyOptional({
    type: String,
    description: 'IANA zone for time restrictions; the operator zone when absent.',
    example: 'Europe/Berlin',
  })
  declare timeZone?: string;
}

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
        periods: [],
      },
    ],
  })
  lineItems!: object[];

  @ApiProperty({
    type: Object,
    isArray: true,
    description:
      'EN 16931: per VAT rate, the sum of the rounded net lines and its VAT (taxable × rate, rounded once, ties away from zero). Absent on records of tariff-engine/1.',
    example: [{ rate: '19', taxable: '9.28', vat: '1.76' }],
  })
  vatBreakdown!: object[];

  @ApiProperty(uuid('4b6d8f1a-3c5e-4a7b-9d2f-6e8a1c3b5d7f'))
  tariffId!: string;

  @ApiProperty({ example: 1 })
  tariffVersion!: number;

  @ApiProperty({ example: 'tariff-engine/2' })
  engineVersion!: string;

  @ApiProperty({
    description: 'sha256 of the canonical inputs: the same inputs always give the same record.',
    example: 'Zq3…',
  })
  inputHash!: string;
}
