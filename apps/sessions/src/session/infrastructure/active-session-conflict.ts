import type { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import type { ActiveSessions } from '../domain/one-active-session.policy';
import type { SessionSnapshot } from '../domain/session.aggregate';
import { StationHasActiveSessionError, VehicleHasActiveSessionError } from '../domain/session.errors';

const UNIQUE_VIOLATION = '23505';

/**
 * The domain error for an insert that a partial unique index behind the one-active-session policy
 * refused (`session_one_active_per_vehicle`, `session_one_active_per_station`: see the migration),
 * naming the session `active` found after the refusal. Null when `error` is anything else.
 */
export function activeSessionConflictOf(
  error: unknown,
  session: SessionSnapshot,
  active: ActiveSessions,
): VehicleHasActiveSessionError | StationHasActiveSessionError | null {
  if (!(error instanceof QueryFailedError)) return null;
  const { code, constraint } = error.driverError as DatabaseError;
  if (code !== UNIQUE_VIOLATION) return null;
  if (constraint === 'session_one_active_per_vehicle') {
    return new VehicleHasActiveSessionError(session.vehicleId, active.onVehicle ?? 'unknown');
  }
  if (constraint === 'session_one_active_per_station' && session.charge) {
    return new StationHasActiveSessionError(session.charge.stationId, active.atStation ?? 'unknown');
  }
  return null;
}
