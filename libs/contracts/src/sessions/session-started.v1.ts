import { IsBoolean, IsIn, IsISO8601, IsOptional, IsUUID, ValidateIf } from 'class-validator';
import { SessionKinds, type SessionKind } from './session-kinds';

export const SESSION_STARTED_V1 = 'session.started.v1';

/** A ride or a charge has started: telemetry opens the session's ledger. */
export class SessionStartedV1 {
  @IsUUID()
  sessionId!: string;

  @IsIn(SessionKinds)
  kind!: SessionKind;

  @IsUUID()
  vehicleId!: string;

  @ValidateIf((event: SessionStartedV1) => event.kind === 'RIDE')
  @IsUUID()
  riderId!: string | null;

  @ValidateIf((event: SessionStartedV1) => event.kind === 'CHARGING')
  @IsUUID()
  stationId!: string | null;

  /** For charges: whether the station reports meter telemetry. */
  @IsOptional()
  @IsBoolean()
  stationMetered!: boolean | null;

  @IsISO8601({ strict: true })
  startedAt!: string;
}
