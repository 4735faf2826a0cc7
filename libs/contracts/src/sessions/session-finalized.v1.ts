import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Min, ValidateIf } from 'class-validator';
import { DECIMAL_PATTERN, type DecimalString } from '../common/decimal-string';
import { EnergySources, SessionKinds, type EnergySource, type SessionKind } from './session-kinds';

export const SESSION_FINALIZED_V1 = 'session.finalized.v1';

/**
 * A session has ended and its totals are fixed forever. Carries everything billing and analytics
 * need without calling back. `energyWh` is consumed for a ride, delivered for a charge.
 */
export class SessionFinalizedV1 {
  @IsUUID()
  sessionId!: string;

  @IsIn(SessionKinds)
  kind!: SessionKind;

  @IsUUID()
  vehicleId!: string;

  @ValidateIf((event: SessionFinalizedV1) => event.kind === 'RIDE')
  @IsUUID()
  riderId!: string | null;

  @ValidateIf((event: SessionFinalizedV1) => event.kind === 'CHARGING')
  @IsUUID()
  stationId!: string | null;

  /** The station's IANA time zone, for tariff restrictions; null for rides. */
  @IsOptional()
  @IsString()
  stationTimeZone!: string | null;

  @IsISO8601({ strict: true })
  startedAt!: string;

  @IsISO8601({ strict: true })
  endedAt!: string;

  @IsInt()
  @Min(0)
  durationS!: number;

  @Matches(DECIMAL_PATTERN)
  energyWh!: DecimalString;

  @IsIn(EnergySources)
  energySource!: EnergySource;

  @Matches(DECIMAL_PATTERN)
  distanceM!: DecimalString;

  @IsInt()
  @Min(0)
  sampleCount!: number;
}
