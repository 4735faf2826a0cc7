import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { SessionView, StartRideCommand } from '@chargeflow/contracts';
import { RiderNotFoundError, VehicleNotFoundError } from '../../fleet/domain/fleet.errors';
import { FLEET_REPOSITORY, type FleetRepository } from '../../fleet/domain/fleet.repository';
import { Session } from '../domain/session.aggregate';
import {
  SESSION_REPOSITORY,
  SESSIONS_DATABASE,
  type SessionRepository,
  type SessionsDatabase,
} from '../domain/session.repository';
import { toSessionView } from '../session.view';
import { saveStartedSession, startedEarlier } from '../start-session';

/** Starts a ride: the vehicle must exist and be idle, the rider must exist. */
@Injectable()
export class StartRideHandler {
  constructor(
    @Inject(SESSIONS_DATABASE) private readonly database: SessionsDatabase,
    @Inject(FLEET_REPOSITORY) private readonly fleet: FleetRepository,
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
  ) {}

  execute(request: StartRideCommand): Promise<SessionView> {
    return this.database.transaction(async (tx) => {
      // Holding the vehicle's row serializes every start for this vehicle.
      const vehicle = await this.fleet.vehicle(tx, request.vehicleId, true);
      if (!vehicle) throw new VehicleNotFoundError(request.vehicleId);
      const earlier = await startedEarlier(tx, this.sessions, request.id, { kind: 'RIDE', vehicleId: vehicle.id });
      if (earlier) return earlier;
      if (!(await this.fleet.rider(tx, request.riderId))) throw new RiderNotFoundError(request.riderId);

      const ride = Session.startRide({
        id: request.id ?? randomUUID(),
        vehicleId: vehicle.id,
        riderId: request.riderId,
        now: new Date(),
      });
      await saveStartedSession(tx, this.sessions, ride);
      return toSessionView(ride.toSnapshot());
    });
  }
}
