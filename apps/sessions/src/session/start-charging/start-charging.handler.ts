import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { SessionView, StartChargingCommand } from '@chargeflow/contracts';
import { Battery } from '../../fleet/domain/battery';
import { RiderNotFoundError, StationNotFoundError, VehicleNotFoundError } from '../../fleet/domain/fleet.errors';
import { FLEET_REPOSITORY, type FleetRepository } from '../../fleet/domain/fleet.repository';
import { Session } from '../domain/session.aggregate';
import {
  SESSION_REPOSITORY,
  SESSIONS_DATABASE,
  type SessionRepository,
  type SessionsDatabase,
} from '../domain/session.repository';
import { saveStartedSession, startedEarlier } from '../start-session';

/** Starts a charge: the vehicle and the station must exist and both be idle. */
@Injectable()
export class StartChargingHandler {
  constructor(
    @Inject(SESSIONS_DATABASE) private readonly database: SessionsDatabase,
    @Inject(FLEET_REPOSITORY) private readonly fleet: FleetRepository,
    @Inject(SESSION_REPOSITORY) private readonly sessions: SessionRepository,
  ) {}

  execute(request: StartChargingCommand): Promise<SessionView> {
    return this.database.transaction(async (tx) => {
      // Vehicle first, then station, in every transaction: starts serialize without deadlocking.
      const vehicle = await this.fleet.vehicle(tx, request.vehicleId, true);
      if (!vehicle) throw new VehicleNotFoundError(request.vehicleId);
      const station = await this.fleet.station(tx, request.stationId, true);
      const earlier = () => startedEarlier(tx, this.sessions, request.id, { kind: 'CHARGING', vehicleId: vehicle.id });
      if (!station) {
        const retried = await earlier();
        if (retried) return retried;
        throw new StationNotFoundError(request.stationId);
      }

      const charge = Session.startCharge({
        id: request.id ?? randomUUID(),
        vehicleId: vehicle.id,
        riderId: request.riderId,
        now: new Date(),
        terms: {
          stationId: station.id,
          ratedPowerW: station.ratedPowerW,
          metered: station.metered,
          timeZone: station.timeZone,
          freeCapacityWh: Battery.of(vehicle.batteryCapacityWh, vehicle.energyWh).freeCapacityWh.toFixed(),
        },
      });
      // The rider is read only for a refused start: else the foreign key refuses an unknown one.
      const outcome = await saveStartedSession(tx, this.sessions, charge, {
        earlier,
        partiesExist: async () => {
          if (request.riderId && !(await this.fleet.rider(tx, request.riderId)))
            throw new RiderNotFoundError(request.riderId);
        },
      });
      if (outcome === 'unknown-party') {
        // The vehicle and the station exist, held by this transaction: the rider is the party missing.
        if (!request.riderId) throw new Error(`charge ${charge.id} refused by a foreign key without a rider`);
        throw new RiderNotFoundError(request.riderId);
      }
      return outcome;
    });
  }
}
