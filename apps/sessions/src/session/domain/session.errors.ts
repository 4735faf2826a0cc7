import { DomainError } from '@chargeflow/contracts';

export class SessionNotFoundError extends DomainError {
  readonly code = 'SESSION_NOT_FOUND';

  constructor(sessionId: string, what = 'session') {
    super(`no ${what} ${sessionId}`, { sessionId });
  }
}

export class SessionAlreadyFinalizedError extends DomainError {
  readonly code = 'SESSION_ALREADY_FINALIZED';

  /** Carries the finalized record, so a client that retried an end sees what the first end fixed. */
  constructor(sessionId: string, session: object) {
    super(`session ${sessionId} is already finalized`, { sessionId, session });
  }
}

export class VehicleHasActiveSessionError extends DomainError {
  readonly code = 'VEHICLE_HAS_ACTIVE_SESSION';

  constructor(vehicleId: string, activeSessionId: string) {
    super(`vehicle ${vehicleId} already has the active session ${activeSessionId}`, { vehicleId, activeSessionId });
  }
}

export class StationHasActiveSessionError extends DomainError {
  readonly code = 'STATION_HAS_ACTIVE_SESSION';

  constructor(stationId: string, activeSessionId: string) {
    super(`station ${stationId} already has the active session ${activeSessionId}`, { stationId, activeSessionId });
  }
}

export class SessionEndsBeforeStartError extends DomainError {
  readonly code = 'SESSION_ENDS_BEFORE_START';

  constructor(sessionId: string, startedAt: Date, endedAt: Date) {
    super(`session ${sessionId} cannot end at ${endedAt.toISOString()}, before its start ${startedAt.toISOString()}`, {
      sessionId,
    });
  }
}

export class TelemetryUnavailableError extends DomainError {
  readonly code = 'TELEMETRY_UNAVAILABLE';

  constructor(sessionId: string) {
    super(
      `telemetry did not seal session ${sessionId} in time; its end is recorded and completes once telemetry answers`,
      {
        sessionId,
        service: 'telemetry',
      },
    );
  }
}
