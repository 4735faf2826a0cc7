import type { EntityManager } from 'typeorm';
import type { Session } from './domain/session.aggregate';
import { StationHasActiveSessionError, VehicleHasActiveSessionError } from './domain/session.errors';
import type { SessionRepository } from './infrastructure/session.repository';

/**
 * Inserts a new Active session. The partial unique indexes are the last word on "one active session
 * per vehicle and per station": a start that slipped past the checks is refused here, by name.
 */
export async function saveStartedSession(manager: EntityManager, sessions: SessionRepository, session: Session): Promise<void> {
  const snapshot = session.toSnapshot();
  if (await sessions.insertUnlessActive(manager, snapshot)) return;
  const vehicleBusy = await sessions.activeSessionOf(manager, 'vehicle_id', snapshot.vehicleId);
  if (vehicleBusy || !snapshot.charge) throw new VehicleHasActiveSessionError(snapshot.vehicleId, vehicleBusy ?? 'unknown');
  const stationBusy = await sessions.activeSessionOf(manager, 'station_id', snapshot.charge.stationId);
  throw new StationHasActiveSessionError(snapshot.charge.stationId, stationBusy ?? 'unknown');
}
