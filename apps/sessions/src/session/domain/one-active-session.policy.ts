import type { SessionSnapshot } from './session.aggregate';
import { StationHasActiveSessionError, VehicleHasActiveSessionError } from './session.errors';

/** The sessions Active now on a new session's vehicle and, for a charge, at its station (null: none). */
export interface ActiveSessions {
  onVehicle: string | null;
  atStation: string | null;
}

/**
 * One active session per vehicle and per station. The database's partial unique indexes enforce it
 * under concurrency (a start that breaks it is not inserted); this names the broken rule: the busy
 * vehicle first, then a charge's busy station. The session that blocked the start may have ended in
 * between, so `active` can show neither: the vehicle is then named, with the session 'unknown'.
 */
export function oneActiveSessionConflict(
  session: SessionSnapshot,
  active: ActiveSessions,
): VehicleHasActiveSessionError | StationHasActiveSessionError {
  if (active.onVehicle || !session.charge) {
    return new VehicleHasActiveSessionError(session.vehicleId, active.onVehicle ?? 'unknown');
  }
  if (active.atStation) return new StationHasActiveSessionError(session.charge.stationId, active.atStation);
  return new VehicleHasActiveSessionError(session.vehicleId, 'unknown');
}
