import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsNumber, IsObject, IsOptional, IsTimeZone, IsUUID, Max, Min } from 'class-validator';
import { PageRequest } from '../common/pagination';
import { SessionKinds, type SessionKind } from '../sessions/session-kinds';

/** RPC patterns of the tariffs the pricing service owns. */
export const TariffRpc = {
  create: 'tariffs.create.v1',
  publish: 'tariffs.publish.v1',
  get: 'tariffs.get.v1',
  list: 'tariffs.list.v1',
  quote: 'tariffs.quote.v1',
} as const;

/**
 * A tariff document with OCPI 2.2.1 field names (`currency`, `elements[]`, `min_price`, `max_price`)
 * and ChargeFlow's `appliesTo: { kind, stationId? }`; the pricing service validates it field by field.
 */
export class CreateTariffRequest {
  @IsObject()
  document!: Record<string, unknown>;

  /** When this version starts to apply; now when absent. */
  @IsOptional()
  @IsISO8601({ strict: true })
  effectiveFrom?: string;
}

/** Publishes the next version of a tariff; earlier versions stay readable and keep pricing their sessions. */
export class PublishTariffRequest extends CreateTariffRequest {
  @IsUUID()
  id!: string;
}

export class GetTariffRequest {
  @IsUUID()
  id!: string;
}

export class ListTariffsRequest extends PageRequest {}

/** A hypothetical session, priced with the tariff's version in force now; nothing is stored. */
export class QuoteTerms {
  @IsIn(SessionKinds)
  kind!: SessionKind;

  @IsISO8601({ strict: true })
  startedAt!: string;

  @IsISO8601({ strict: true })
  endedAt!: string;

  @Type(() => Number)
  @IsNumber({ maxDecimalPlaces: 3, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(10_000_000)
  energyWh!: number;

  @IsOptional()
  @IsInt()
  @Min(0)
  parkingDurationS?: number;

  @IsOptional()
  @IsUUID()
  stationId?: string;

  /** The IANA zone time restrictions are read in; the operator's zone when absent. */
  @IsOptional()
  @IsTimeZone()
  timeZone?: string;
}

export class QuoteRequest extends QuoteTerms {
  @IsUUID()
  tariffId!: string;
}

export interface TariffVersionSummary {
  version: number;
  effectiveFrom: string;
  publishedAt: string;
}

/** A tariff at one version: its document, what it applies to, and the list of all its versions. */
export interface TariffView {
  id: string;
  version: number;
  effectiveFrom: string;
  publishedAt: string;
  appliesTo: { kind: SessionKind; stationId?: string };
  document: Record<string, unknown>;
  versions: TariffVersionSummary[];
}
