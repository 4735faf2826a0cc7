import type { SealedLedger, SessionSnapshot } from './session.aggregate';

/**
 * The port: telemetry seals a session's ledger and returns the totals it fixed, the same however
 * often it is asked. Throws TelemetryUnavailableError when telemetry does not answer in time.
 */
export interface TelemetrySeal {
  seal(session: SessionSnapshot): Promise<SealedLedger>;
}

export const TELEMETRY_SEAL = Symbol('TELEMETRY_SEAL');
