import { IsIn, IsInt, IsISO8601, IsString, IsUUID, Matches, Min, ValidateIf } from 'class-validator';
import { DECIMAL_PATTERN, type DecimalString } from '../common/decimal-string';
import { SessionKinds, type SessionKind } from '../sessions/session-kinds';
import { BillingStatuses, type BillingStatus } from './billing-rpc';

export const BILLING_CALCULATED_V2 = 'billing.calculated.v2';

const priced = (event: BillingCalculatedV2) => event.status === 'PRICED';

/**
 * A session's billing record was written: its first one (PRICED, or UNPRICED while no tariff applies)
 * or one that replaces it (an UNPRICED session priced once a tariff appears). `revision` starts at 1
 * and grows by one per record of the session, so a consumer keeps the highest revision it has seen and
 * ignores an older one that arrives late or twice. The priced fields are null while UNPRICED.
 * v1 is still published for PRICED records, unchanged, for the consumers that read it.
 */
export class BillingCalculatedV2 {
  @IsUUID()
  sessionId!: string;

  @IsInt()
  @Min(1)
  revision!: number;

  @IsIn(BillingStatuses)
  status!: BillingStatus;

  /** Why the session is not priced yet; null once PRICED. */
  @ValidateIf((event: BillingCalculatedV2) => !priced(event))
  @IsString()
  reason!: string | null;

  @IsIn(SessionKinds)
  kind!: SessionKind;

  @IsUUID()
  vehicleId!: string;

  @ValidateIf((event: BillingCalculatedV2) => event.kind === 'RIDE')
  @IsUUID()
  riderId!: string | null;

  @ValidateIf((event: BillingCalculatedV2) => event.kind === 'CHARGING')
  @IsUUID()
  stationId!: string | null;

  @IsISO8601({ strict: true })
  startedAt!: string;

  @IsISO8601({ strict: true })
  endedAt!: string;

  @ValidateIf(priced)
  @IsUUID()
  tariffId!: string | null;

  @ValidateIf(priced)
  @IsInt()
  @Min(1)
  tariffVersion!: number | null;

  @ValidateIf(priced)
  @IsString()
  engineVersion!: string | null;

  @ValidateIf(priced)
  @Matches(/^[A-Z]{3}$/)
  currency!: string | null;

  @ValidateIf(priced)
  @Matches(DECIMAL_PATTERN)
  totalExclVat!: DecimalString | null;

  @ValidateIf(priced)
  @Matches(DECIMAL_PATTERN)
  totalVat!: DecimalString | null;

  @ValidateIf(priced)
  @Matches(DECIMAL_PATTERN)
  totalInclVat!: DecimalString | null;

  @ValidateIf(priced)
  @IsString()
  inputHash!: string | null;
}
