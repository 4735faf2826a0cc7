import type { SessionSnapshot } from './session.aggregate';
import { StationHasActiveSessionError, VehicleHasActiveSessionError } from './session.errors';

/** The sessions Active now on a new session's vehicle and, for a charge, at its station (null: none). */
export interface ActiveSessions {
  onVehicle: string | null;
  atStation: string | null;
}

/**
 * One active session per vehicle and per station: a session starts only when its vehicle has no
 * Active session and, for a charge, its station has none either. A busy vehicle is named first.
 */
export function checkOneActiveSession(session: SessionSnapshot, active: ActiveSessions): void {
  if (active.onVehicle) throw new VehicleHasActiveSessionError(session.vehicleId, active.onVehicle);
  if (session.charge && active.atStation) {
    throw new StationHasActiveSessionError(session.charge.stationId, active.atStation);
  }
}
