import type { RejectionReason } from './telemetry-sample';

export const TELEMETRY_REJECTED_V1 = 'telemetry.rejected.v1';

/** A device message was refused; it is stored with its original payload and never counted. */
export interface TelemetryRejectedV1 {
  rejectionId: string;
  reason: RejectionReason;
  detail: string;
  telemetryId: string | null;
  sessionId: string | null;
  deviceId: string | null;
  receivedAt: string;
}
