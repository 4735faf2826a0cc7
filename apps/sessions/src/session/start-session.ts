import type { EntityManager } from 'typeorm';
import type { SessionKind, SessionView } from '@chargeflow/contracts';
import type { Session } from './domain/session.aggregate';
import { StationHasActiveSessionError, VehicleHasActiveSessionError } from './domain/session.errors';
import type { SessionRepository } from './infrastructure/session.repository';
import { toSessionView } from './session.view';

/**
 * Inserts a new Active session. The partial unique indexes are the last word on "one active session
 * per vehicle and per station": a start that slipped past the checks is refused here, by name.
 */
export async function saveStartedSession(
  manager: EntityManager,
  sessions: SessionRepository,
  session: Session,
): Promise<void> {
  const snapshot = session.toSnapshot();
  if (await sessions.insertUnlessActive(manager, snapshot)) return;
  const vehicleBusy = await sessions.activeSessionOf(manager, 'vehicle_id', snapshot.vehicleId);
  if (vehicleBusy || !snapshot.charge)
    throw new VehicleHasActiveSessionError(snapshot.vehicleId, vehicleBusy ?? 'unknown');
  const stationBusy = await sessions.activeSessionOf(manager, 'station_id', snapshot.charge.stationId);
  throw new StationHasActiveSessionError(snapshot.charge.stationId, stationBusy ?? 'unknown');
}

/**
 * The session a start with this id already started, if any: a start retried with its
 * Idempotency-Key (its first answer lost) gets that session back instead of a conflict. Runs under
 * the vehicle's lock, so a retry racing the first attempt sees it committed or waits for it.
 */
export async function startedEarlier(
  manager: EntityManager,
  sessions: SessionRepository,
  id: string | undefined,
  expected: { kind: SessionKind; vehicleId: string },
): Promise<SessionView | null> {
  if (!id) return null;
  const session = await sessions.findById(manager, id);
  if (!session) return null;
  if (session.kind !== expected.kind || session.vehicleId !== expected.vehicleId) {
    throw new Error(`session id ${id} belongs to another start`);
  }
  return toSessionView(session);
}
