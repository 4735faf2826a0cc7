import type { SessionSnapshot } from './session.aggregate';
import { StationHasActiveSessionError, VehicleHasActiveSessionError } from './session.errors';

/** The sessions Active now on a new session's vehicle and, for a charge, at its station (null: none). */
export interface ActiveSessions {
  onVehicle: string | null;
  atStation: string | null;
}

type OneActiveSessionError = VehicleHasActiveSessionError | StationHasActiveSessionError;

/**
 * One active session per vehicle and per station: the rule a start breaks, given the sessions Active
 * now on its vehicle and station (the busy vehicle is named first), or null when it may start.
 */
export function oneActiveSessionConflict(
  session: SessionSnapshot,
  active: ActiveSessions,
): OneActiveSessionError | null {
  if (active.onVehicle) return new VehicleHasActiveSessionError(session.vehicleId, active.onVehicle);
  if (session.charge && active.atStation) {
    return new StationHasActiveSessionError(session.charge.stationId, active.atStation);
  }
  return null;
}

/**
 * The rule a start broke when the database refused it (the partial unique indexes decide under
 * concurrency), also when `active` shows no blocker any more because the blocker ended in between: the
 * session is then 'unknown'.
 */
export function refusedStartConflict(session: SessionSnapshot, active: ActiveSessions): OneActiveSessionError {
  return (
    oneActiveSessionConflict(session, active) ??
    (session.charge
      ? new StationHasActiveSessionError(session.charge.stationId, 'unknown')
      : new VehicleHasActiveSessionError(session.vehicleId, 'unknown'))
  );
}
