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
import { startedEarlier } from '../start-session';
import { refusedStartConflict } from '../domain/one-active-session.policy';

/**
 * Starts a ride: the vehicle must exist and be idle, the rider must exist. One statement decides (the
 * keys and unique indexes of the session table); only a refused start reads why it was refused.
 */
@Injectable()
export class StartRideHandler {
  constructor(
    @Inject(SESSIONS_DATABASE) private readonly database: SessionsDatabase,
    @Inject(FLEET_REPOSITORY) private readonly fleet: FleetRepository,
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
  ) {}

  async execute(request: StartRideCommand): Promise<SessionView> {
    const ride = Session.startRide({
      id: request.id ?? randomUUID(),
      vehicleId: request.vehicleId,
      riderId: request.riderId,
      now: new Date(),
    });
    const snapshot = ride.toSnapshot();
    const tx = this.database.autocommit;
    if ((await this.sessions.insertStarted(tx, ride)) === 'started') return toSessionView(snapshot);

    // A retry of a start whose answer was lost finds its session; an unknown party is named; else the vehicle is busy.
    const earlier = await startedEarlier(tx, this.sessions, request.id, { kind: 'RIDE', vehicleId: request.vehicleId });
    if (earlier) return earlier;
    if (!(await this.fleet.vehicle(tx, request.vehicleId))) throw new VehicleNotFoundError(request.vehicleId);
    if (!(await this.fleet.rider(tx, request.riderId))) throw new RiderNotFoundError(request.riderId);
    throw refusedStartConflict(snapshot, await this.sessions.activeSessions(tx, snapshot));
  }
}
