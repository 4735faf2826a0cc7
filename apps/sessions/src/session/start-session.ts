import type { EntityManager } from 'typeorm';
import { violatedUniqueIndex } from '../shared/postgres-errors';
import type { Session } from './domain/session.aggregate';
import { StationHasActiveSessionError, VehicleHasActiveSessionError } from './domain/session.errors';
import type { SessionRepository } from './infrastructure/session.repository';

/**
 * Inserts a new Active session. The partial unique indexes are the last word on "one active session
 * per vehicle and per station": a start that slipped past the checks is refused here, by name.
 */
export async function saveStartedSession(manager: EntityManager, sessions: SessionRepository, session: Session): Promise<void> {
  const snapshot = session.toSnapshot();
  try {
    await manager.query('SAVEPOINT start_session');
    await sessions.insert(manager, snapshot);
    await manager.query('RELEASE SAVEPOINT start_session');
  } catch (error) {
    const index = violatedUniqueIndex(error);
    if (!index) throw error;
    await manager.query('ROLLBACK TO SAVEPOINT start_session');
    if (index === 'session_one_active_per_station' && snapshot.charge) {
      const active = await sessions.activeSessionOf(manager, 'station_id', snapshot.charge.stationId);
      throw new StationHasActiveSessionError(snapshot.charge.stationId, active ?? 'unknown');
    }
    const active = await sessions.activeSessionOf(manager, 'vehicle_id', snapshot.vehicleId);
    throw new VehicleHasActiveSessionError(snapshot.vehicleId, active ?? 'unknown');
  }
}
