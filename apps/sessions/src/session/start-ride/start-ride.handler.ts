import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SessionView, StartRideCommand } from '@chargeflow/contracts';
import { RiderNotFoundError, VehicleNotFoundError } from '../../fleet/domain/fleet.errors';
import { FleetRepository } from '../../fleet/infrastructure/fleet.repository';
import { Session } from '../domain/session.aggregate';
import { VehicleHasActiveSessionError } from '../domain/session.errors';
import { SessionRepository } from '../infrastructure/session.repository';
import { publishSessionEvents } from '../session-events.outbox';
import { toSessionView } from '../session.view';
import { saveStartedSession, startedEarlier } from '../start-session';

/** Starts a ride: the vehicle must exist and be idle, the rider must exist. */
@Injectable()
export class StartRideHandler {
  constructor(
    private readonly dataSource: DataSource,
    private readonly fleet: FleetRepository,
    private readonly sessions: SessionRepository,
  ) {}

  execute(request: StartRideCommand): Promise<SessionView> {
    return this.dataSource.transaction(async (manager) => {
      // Holding the vehicle's row serializes every start for this vehicle.
      const vehicle = await this.fleet.vehicle(manager, request.vehicleId, true);
      if (!vehicle) throw new VehicleNotFoundError(request.vehicleId);
      const earlier = await startedEarlier(manager, this.sessions, request.id, { kind: 'RIDE', vehicleId: vehicle.id });
      if (earlier) return earlier;
      if (!(await this.fleet.rider(manager, request.riderId))) throw new RiderNotFoundError(request.riderId);
      const active = await this.sessions.activeSessionOf(manager, 'vehicle_id', vehicle.id);
      if (active) throw new VehicleHasActiveSessionError(vehicle.id, active);

      const ride = Session.startRide({
        id: request.id ?? randomUUID(),
        vehicleId: vehicle.id,
        riderId: request.riderId,
        now: new Date(),
      });
      await saveStartedSession(manager, this.sessions, ride);
      await publishSessionEvents(manager, ride.pullEvents());
      return toSessionView(ride.toSnapshot());
    });
  }
}
