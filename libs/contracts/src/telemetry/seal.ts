import { IsBoolean, IsIn, IsISO8601, IsOptional, IsUUID } from 'class-validator';
import type { DecimalString } from '../common/decimal-string';
import { SessionKinds, type SessionKind } from '../sessions/session-kinds';

/** RPC patterns the telemetry service answers. */
export const TelemetryRpc = {
  seal: 'telemetry.seal.v1',
  listSamples: 'telemetry.list-samples.v1',
  listRejections: 'telemetry.list-rejections.v1',
  takenIn: 'telemetry.taken-in.v1',
  /** The same question for many samples at once: the samples among them that are taken in. */
  takenInAmong: 'telemetry.taken-in-among.v1',
} as const;

/**
 * Close a session's ledger: no sample is counted after this. Idempotent. Carries the session's facts
 * so telemetry can open the ledger itself when the seal overtakes `session.started.v1`.
 */
export class SealSessionRequest {
  @IsUUID()
  sessionId!: string;

  @IsIn(SessionKinds)
  kind!: SessionKind;

  @IsUUID()
  vehicleId!: string;

  @IsOptional()
  @IsUUID()
  stationId?: string | null;

  @IsISO8601({ strict: true })
  startedAt!: string;

  /**
   * Whether a charge's station is metered (only its meter counts then), as `session.started.v1` says.
   * With it (and `stationId`), a seal that overtakes that event opens the ledger as the event would,
   * and the session's parked samples are judged before the seal; without it (a charge asked by an
   * older sender), such a ledger is sealed empty. A ride has none. Added 2026-12-04: a telemetry from
   * before refuses it as an unknown field, so telemetry is upgraded before sessions.
   */
  @IsOptional()
  @IsBoolean()
  stationMetered?: boolean | null;
}

/** The ledger's totals at the seal: fixed, and the same every time the seal is asked again. */
export interface SealedTotals {
  sessionId: string;
  energyWh: DecimalString;
  distanceM: DecimalString;
  sampleCount: number;
  sealedAt: string;
}
